using System.Threading;

namespace MailProtocols
{
    /// <summary>
    /// Gives a signed-in session a current access token at each log-in (first connect, reconnect after a drop or
    /// after the server ended a session whose token expired). The engine's MSAL sign-in implements it.
    /// </summary>
    internal interface IAccessTokenSource
    {
        /// <summary>The signed-in account (user name) or, app-only, the app's client id.</summary>
        string Account { get; }

        /// <summary>A current token without asking the user: from the cache, refreshed or re-acquired as needed.</summary>
        string GetAccessToken(CancellationToken cancellationToken);
    }
}
