using System;

namespace MailProtocols.Core.SignIn
{
    /// <summary>Where each Microsoft cloud signs in, and the mail resource its tokens are for.</summary>
    internal static class MicrosoftClouds
    {
        public static string AuthorityHost(MicrosoftCloud cloud)
        {
            switch (cloud)
            {
                case MicrosoftCloud.USGovernment:
                case MicrosoftCloud.USGovernmentDoD:
                    return "https://login.microsoftonline.us";
                case MicrosoftCloud.China:
                    return "https://login.chinacloudapi.cn";
                default:
                    return "https://login.microsoftonline.com";
            }
        }

        /// <summary>The Exchange Online resource for delegated scopes (…/IMAP.AccessAsUser.All).</summary>
        public static string DelegatedResource(MicrosoftCloud cloud)
        {
            switch (cloud)
            {
                case MicrosoftCloud.USGovernment:
                    return "https://outlook.office365.us";
                case MicrosoftCloud.USGovernmentDoD:
                    return "https://outlook-dod.office365.us";
                case MicrosoftCloud.China:
                    return "https://partner.outlook.cn";
                default:
                    return "https://outlook.office.com";
            }
        }

        /// <summary>The Exchange Online resource for app-only tokens (…/.default).</summary>
        public static string AppResource(MicrosoftCloud cloud) =>
            cloud == MicrosoftCloud.Global ? "https://outlook.office365.com" : DelegatedResource(cloud);

        /// <summary>
        /// The scopes a protocol needs: delegated "IMAP.AccessAsUser.All" (MSAL adds offline_access itself, which
        /// gives the refresh token), app-only the resource's ".default" (the roles the admin granted).
        /// </summary>
        /// <param name="permission">The protocol's permission: "IMAP", "POP" (…AccessAsUser.All), or a full name such as "SMTP.Send".</param>
        public static string[] Scopes(OAuthSignInSettings signIn, string permission)
        {
            if (signIn.Scopes != null && signIn.Scopes.Length > 0)
            {
                return signIn.Scopes;
            }

            return signIn.IsAppOnly
                ? new[] { AppResource(signIn.Environment) + "/.default" }
                : new[] { $"{DelegatedResource(signIn.Environment)}/{(permission.Contains(".") ? permission : permission + ".AccessAsUser.All")}" };
        }

        /// <summary>The authority: -Authority as given, else the cloud's host with the tenant (organizations for a delegated sign-in without one).</summary>
        public static Uri Authority(OAuthSignInSettings signIn)
        {
            if (signIn.Authority != null)
            {
                return signIn.Authority;
            }

            string tenant = string.IsNullOrEmpty(signIn.TenantId) ? "organizations" : signIn.TenantId;
            return new Uri($"{AuthorityHost(signIn.Environment)}/{Uri.EscapeDataString(tenant)}");
        }
    }
}
