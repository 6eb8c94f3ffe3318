using System;
using System.Net.Http;
using MailProtocols.Core.Errors;
using Microsoft.Identity.Client;

namespace MailProtocols.Core.SignIn
{
    /// <summary>MSAL's failures in words a sysadmin can act on, each with its own reason (ErrorId).</summary>
    internal static class SignInErrors
    {
        public static MailProtocolException Translate(Exception ex, OAuthSignInSettings signIn, Uri authority, string permission)
        {
            string app = $"the app {signIn.ClientId}";
            switch (ex)
            {
                case MsalServiceException service when Has(service, "7000218"):
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.PublicClientFlowsDisabled,
                        $"Entra ID refused the device-code sign-in because {app} does not allow public client flows (AADSTS7000218). " +
                        "In the Entra admin center open App registrations > the app > Authentication and set 'Allow public client flows' to Yes, " +
                        "or sign in app-only with -ClientSecret or -ClientCertificate.", ex);
                case MsalServiceException service when Has(service, "65001"):
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.ConsentRequired,
                        $"No one has consented to {app} using {permission} (AADSTS65001). In App registrations > the app > API permissions add " +
                        $"Office 365 Exchange Online {(signIn.IsAppOnly ? permission + ".AccessAsApp (application)" : permission + ".AccessAsUser.All (delegated)")} " +
                        "and select 'Grant admin consent'.", ex);
                case MsalServiceException service when Has(service, "700016"):
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.ApplicationNotFound,
                        $"{Capital(app)} is not known in the tenant of {authority} (AADSTS700016). Check -ClientId (the Application (client) ID) and -TenantId, " +
                        "or, for an app registered in another tenant, have an administrator of this one consent to it.", ex);
                case MsalServiceException service when Has(service, "7000215") || Has(service, "700027"):
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.ClientCredentialRejected,
                        $"Entra ID rejected the client secret or certificate of {app} ({FirstLine(service.Message)}). Check that it belongs to this app registration and has not expired.", ex);
                case MsalUiRequiredException ui:
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.SignInRequired,
                        $"The sign-in of {app} can no longer be renewed without you ({FirstLine(ui.Message)}). Run Connect-* again to sign in.", ex);
                case MsalServiceException service:
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.SignInFailed,
                        $"The sign-in of {app} at {authority} failed ({service.ErrorCode}): {FirstLine(service.Message)}", ex);
                case HttpRequestException _:
                case MsalClientException client when client.InnerException is HttpRequestException:
                    return new MailProtocolException(MailErrorKind.Connection, MailErrorReason.AuthorityUnreachable,
                        $"The sign-in authority {authority} could not be reached ({FirstLine(Innermost(ex).Message)}). Check the network path or -Proxy, and -Environment or -Authority.", ex);
                case MsalException msal:
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.SignInFailed,
                        $"The sign-in of {app} at {authority} failed ({msal.ErrorCode}): {FirstLine(msal.Message)}", ex);
                default:
                    return null;
            }
        }

        private static bool Has(MsalServiceException ex, string code) => ex.Message.Contains("AADSTS" + code + ":") || ex.Message.Contains("AADSTS" + code + " ");

        private static string FirstLine(string text)
        {
            string line = (text ?? string.Empty).Split('\n')[0].Trim();
            int trace = line.IndexOf(" Trace ID:", StringComparison.Ordinal);
            return trace > 0 ? line.Substring(0, trace) : line;
        }

        private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }
    }
}
