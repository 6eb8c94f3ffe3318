using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailProtocols.Core.Errors;
using Microsoft.Identity.Client;

namespace MailProtocols.Core.SignIn
{
    /// <summary>
    /// Signs in with MSAL (device code for a user, client secret or certificate for an app) and gives the session a
    /// current token at every log-in, silently: from the cache, by the refresh token, or by the app credential again.
    /// Protocol-neutral: the protocol only names its permission ("IMAP", "POP", "SMTP").
    /// </summary>
    internal sealed class MicrosoftSignIn : IAccessTokenSource
    {
        /// <summary>Public client apps by client, authority and proxy: their token cache makes a second Connect silent.</summary>
        private static readonly ConcurrentDictionary<string, Lazy<Task<(IPublicClientApplication App, string Notice)>>> PublicApps =
            new ConcurrentDictionary<string, Lazy<Task<(IPublicClientApplication, string)>>>();

        private readonly OAuthSignInSettings _signIn;
        private readonly ConnectionSettings _connection;
        private readonly string _permission;
        private readonly string[] _scopes;
        private readonly Uri _authority;
        private readonly object _gate = new object();
        private IConfidentialClientApplication _confidential;
        private IPublicClientApplication _public;
        private IAccount _account;
        private SignInOutcome _fresh;

        private MicrosoftSignIn(ConnectionSettings connection, string permission)
        {
            _connection = connection;
            _signIn = connection.SignIn;
            _permission = permission;
            _scopes = MicrosoftClouds.Scopes(_signIn, permission);
            _authority = MicrosoftClouds.Authority(_signIn);
        }

        public string Account { get; private set; }

        /// <summary>The authority tokens come from, for messages and the report.</summary>
        public Uri Authority => _authority;

        /// <summary>Makes the sign-in for <paramref name="connection"/> and attaches it as the connection's token source.</summary>
        public static MicrosoftSignIn Attach(ConnectionSettings connection, string permission)
        {
            var signIn = new MicrosoftSignIn(connection, permission);
            connection.TokenSource = signIn;
            return signIn;
        }

        /// <summary>
        /// Signs in; a user who is not in the cache gets a device code. Messages for the user (the device code, a
        /// cache notice) are passed to <paramref name="show"/> on the calling thread, at once, while MSAL waits.
        /// </summary>
        public SignInOutcome SignIn(Action<string> show, Action<string> warn, CancellationToken cancellationToken)
        {
            var messages = new BlockingCollection<(bool Warning, string Text)>();
            Task<SignInOutcome> work = Task.Run(() => SignInAsync(messages, cancellationToken), cancellationToken);
            work.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            foreach ((bool warning, string text) in messages.GetConsumingEnumerable())
            {
                (warning ? warn : show)(text);
            }

            return Unwrap(work);
        }

        /// <summary>A current token without the user: silent from the cache (refreshing it), or the app credential again.</summary>
        public string GetAccessToken(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                // The token just acquired serves the log-in right after the sign-in; MSAL renews anything older.
                if (_fresh != null && _fresh.ExpiresOn - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(5))
                {
                    string token = _fresh.Token;
                    _fresh = null;
                    return token;
                }
            }

            return Unwrap(Task.Run(() => AcquireSilentAsync(cancellationToken), cancellationToken)).Token;
        }

        private T Unwrap<T>(Task<T> task)
        {
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex) when (SignInErrors.Translate(ex, _signIn, _authority, _permission) is MailProtocolException translated)
            {
                throw translated;
            }
        }

        private async Task<SignInOutcome> SignInAsync(BlockingCollection<(bool, string)> messages, CancellationToken cancellationToken)
        {
            if (_signIn.IsAppOnly)
            {
                SignInOutcome app = await AcquireSilentAsync(cancellationToken).ConfigureAwait(false);
                return app;
            }

            IPublicClientApplication client = await PublicClientAsync(notice => messages.Add((true, notice))).ConfigureAwait(false);
            IAccount account = PickAccount(await client.GetAccountsAsync().ConfigureAwait(false));
            if (account != null)
            {
                try
                {
                    AuthenticationResult cached = await client.AcquireTokenSilent(_scopes, account).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                    return Remember(cached, "Silent");
                }
                catch (MsalUiRequiredException)
                {
                    // The cached sign-in is gone or revoked: ask the user below.
                }
            }

            AuthenticationResult result = await client.AcquireTokenWithDeviceCode(_scopes, code =>
            {
                messages.Add((false, code.Message));
                return Task.CompletedTask;
            }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return Remember(result, "DeviceCode");
        }

        private async Task<SignInOutcome> AcquireSilentAsync(CancellationToken cancellationToken)
        {
            if (_signIn.IsAppOnly)
            {
                AuthenticationResult app = await Confidential().AcquireTokenForClient(_scopes).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                return Remember(app, _signIn.ClientCertificate != null ? "ClientCertificate" : "ClientSecret");
            }

            IAccount account;
            lock (_gate)
            {
                account = _account;
            }

            if (account == null || _public == null)
            {
                throw new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.SignInRequired,
                    $"The session has no signed-in account of the app {_signIn.ClientId}. Run Connect-* again to sign in.");
            }

            AuthenticationResult result = await _public.AcquireTokenSilent(_scopes, account).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return Remember(result, "Silent");
        }

        private SignInOutcome Remember(AuthenticationResult result, string flow)
        {
            lock (_gate)
            {
                if (result.Account != null)
                {
                    _account = result.Account;
                }
            }

            AccessTokenFacts facts = AccessTokenFacts.Read(result.AccessToken);
            Account = result.Account?.Username ?? facts?.Account ?? _signIn.ClientId;
            var outcome = new SignInOutcome(flow, Account, result.ExpiresOn, result.Scopes?.ToArray() ?? new string[0], facts, result.AccessToken);
            lock (_gate)
            {
                _fresh = outcome;
            }

            return outcome;
        }

        private IAccount PickAccount(IEnumerable<IAccount> accounts)
        {
            IAccount[] all = accounts.ToArray();
            string wanted = _signIn.LoginHint;
            if (wanted != null)
            {
                return all.FirstOrDefault(a => string.Equals(a.Username, wanted, StringComparison.OrdinalIgnoreCase));
            }

            return all.Length == 1 ? all[0] : null;
        }

        private async Task<IPublicClientApplication> PublicClientAsync(Action<string> notice)
        {
            if (_signIn.NoTokenCache)
            {
                _public = Configure(PublicClientApplicationBuilder.Create(_signIn.ClientId)).Build();
                return _public;
            }

            string key = string.Join("|", _signIn.ClientId, _authority, _connection.Proxy, _connection.ProxyUserName, _signIn.AllowUnprotectedTokenCache);
            Lazy<Task<(IPublicClientApplication App, string Notice)>> entry = PublicApps.GetOrAdd(key, _ =>
                new Lazy<Task<(IPublicClientApplication, string)>>(async () =>
                {
                    IPublicClientApplication app = Configure(PublicClientApplicationBuilder.Create(_signIn.ClientId)).Build();
                    string text = await TokenCacheStore.AttachAsync(app.UserTokenCache, _signIn.AllowUnprotectedTokenCache).ConfigureAwait(false);
                    return (app, text);
                }));
            bool first = !entry.IsValueCreated;
            (IPublicClientApplication client, string cacheNotice) = await entry.Value.ConfigureAwait(false);
            if (first && cacheNotice != null)
            {
                notice(cacheNotice);
            }

            _public = client;
            return client;
        }

        private IConfidentialClientApplication Confidential()
        {
            lock (_gate)
            {
                if (_confidential == null)
                {
                    ConfidentialClientApplicationBuilder builder = Configure(ConfidentialClientApplicationBuilder.Create(_signIn.ClientId));
                    builder = _signIn.ClientCertificate != null
                        ? builder.WithCertificate(_signIn.ClientCertificate, true)
                        : builder.WithClientSecret(new NetworkCredential(string.Empty, _signIn.ClientSecret).Password);
                    _confidential = builder.Build();
                }

                return _confidential;
            }
        }

        private T Configure<T>(T builder)
            where T : AbstractApplicationBuilder<T>
        {
            builder = builder.WithAuthority(_authority.ToString()).WithClientName("MailProtocols");

            // -Authority is used exactly as given: no instance discovery at Microsoft's global endpoint.
            if (_signIn.Authority != null)
            {
                builder = builder.WithInstanceDiscovery(false);
            }

            if (_connection.Proxy != null)
            {
                builder = builder.WithHttpClientFactory(new ProxyHttpClientFactory(_connection));
            }

            return builder;
        }
    }
}
