using System;
using System.Security;
using System.Text;
using MailProtocols.Core.SignIn;
using Microsoft.Identity.Client;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The Microsoft 365 sign-in's pure logic: scopes and authorities per cloud, token facts, MSAL failures in words.</summary>
    public class SignInTests
    {
        private static string Jwt(string payload) =>
            "eyJhbGciOiJub25lIn0." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".c2ln";

        [Theory]
        [InlineData(MicrosoftCloud.Global, "IMAP", "https://outlook.office.com/IMAP.AccessAsUser.All")]
        [InlineData(MicrosoftCloud.Global, "POP", "https://outlook.office.com/POP.AccessAsUser.All")]
        [InlineData(MicrosoftCloud.USGovernment, "IMAP", "https://outlook.office365.us/IMAP.AccessAsUser.All")]
        [InlineData(MicrosoftCloud.USGovernmentDoD, "POP", "https://outlook-dod.office365.us/POP.AccessAsUser.All")]
        [InlineData(MicrosoftCloud.China, "IMAP", "https://partner.outlook.cn/IMAP.AccessAsUser.All")]
        [InlineData(MicrosoftCloud.Global, "SMTP.Send", "https://outlook.office.com/SMTP.Send")]
        public void DelegatedScopesFollowTheCloudAndTheProtocol(MicrosoftCloud cloud, string permission, string expected) =>
            Assert.Equal(new[] { expected }, MicrosoftClouds.Scopes(new OAuthSignInSettings { ClientId = "a", Environment = cloud }, permission));

        [Fact]
        public void AppOnlyAsksForTheDefaultScopeAndScopeOverridesEverything()
        {
            var secret = new SecureString();
            secret.AppendChar('x');
            Assert.Equal(new[] { "https://outlook.office365.com/.default" }, MicrosoftClouds.Scopes(new OAuthSignInSettings { ClientSecret = secret }, "IMAP"));
            Assert.Equal(new[] { "api://custom/mail" }, MicrosoftClouds.Scopes(new OAuthSignInSettings { Scopes = new[] { "api://custom/mail" } }, "IMAP"));
        }

        [Fact]
        public void TheAuthorityIsTheCloudsWithTheTenantOrAsGiven()
        {
            Assert.Equal("https://login.microsoftonline.com/organizations", MicrosoftClouds.Authority(new OAuthSignInSettings()).ToString());
            Assert.Equal("https://login.chinacloudapi.cn/contoso.cn", MicrosoftClouds.Authority(new OAuthSignInSettings { TenantId = "contoso.cn", Environment = MicrosoftCloud.China }).ToString());
            var custom = new Uri("https://127.0.0.1:8443/tenant-1");
            Assert.Same(custom, MicrosoftClouds.Authority(new OAuthSignInSettings { Authority = custom, TenantId = "ignored" }));
        }

        [Fact]
        public void TokenFactsReadAudienceRolesAccountAndExpiry()
        {
            AccessTokenFacts facts = AccessTokenFacts.Read(Jwt("{\"aud\":\"https://outlook.office365.com\",\"roles\":[\"IMAP.AccessAsApp\"],\"appid\":\"app-1\",\"exp\":1700000000}"));
            Assert.Equal("https://outlook.office365.com", facts.Audience);
            Assert.Equal(new[] { "IMAP.AccessAsApp" }, facts.Roles);
            Assert.Equal("app-1", facts.Account);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), facts.ExpiresOn);
            Assert.False(facts.IsGraph);
        }

        [Theory]
        [InlineData("https://graph.microsoft.com")]
        [InlineData("00000003-0000-0000-c000-000000000000")]
        public void AGraphTokenIsRecognised(string audience)
        {
            AccessTokenFacts facts = AccessTokenFacts.Read(Jwt("{\"aud\":\"" + audience + "\",\"scp\":\"Mail.Read User.Read\",\"upn\":\"alice@contoso.com\"}"));
            Assert.True(facts.IsGraph);
            Assert.Equal(new[] { "Mail.Read", "User.Read" }, facts.Scopes);
            Assert.Equal("alice@contoso.com", facts.Account);
            Assert.Contains("Office 365 Exchange Online", AccessTokenFacts.GraphAudience(facts, "IMAP").Message);
        }

        [Theory]
        [InlineData("opaque-token")]
        [InlineData("a.!!!.c")]
        [InlineData(null)]
        public void AnUnreadableTokenHasNoFacts(string token) => Assert.Null(AccessTokenFacts.Read(token));

        [Theory]
        [InlineData("invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", "PublicClientFlowsDisabled")]
        [InlineData("invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application.", "ConsentRequired")]
        [InlineData("unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found in the directory.", "ApplicationNotFound")]
        [InlineData("invalid_client", "AADSTS7000215: Invalid client secret provided.", "ClientCredentialRejected")]
        [InlineData("temporarily_unavailable", "AADSTS90033: A transient error has occurred.", "SignInFailed")]
        public void EntraErrorsGetTheirOwnReason(string error, string message, string reason)
        {
            var signIn = new OAuthSignInSettings { ClientId = "app-1" };
            MailProtocolException translated = SignInErrors.Translate(new MsalServiceException(error, message), signIn, new Uri("https://login.microsoftonline.com/contoso"), "IMAP");
            Assert.Equal(reason, translated.Reason);
            Assert.Equal(MailErrorKind.Authentication, translated.Kind);
        }

        [Fact]
        public void ConsentRequiredWinsOverUiRequired()
        {
            // MSAL reports AADSTS65001 as "UI required"; the consent explanation is the useful one.
            var ui = new MsalUiRequiredException("invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application.");
            Assert.Equal("ConsentRequired", SignInErrors.Translate(ui, new OAuthSignInSettings { ClientId = "a" }, new Uri("https://login.microsoftonline.com/c"), "POP").Reason);
        }
    }
}
