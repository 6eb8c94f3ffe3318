using MailProtocols.Core.Sessions;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>One log-in attempt per connection: the one mechanism chosen for a password.</summary>
    public class LoginMechanismTests
    {
        [Theory]
        [InlineData("PLAIN", "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER")]
        [InlineData("SCRAM-SHA-256", "LOGIN", "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256")]
        [InlineData("LOGIN", "CRAM-MD5", "LOGIN")]
        [InlineData(null, "XOAUTH2", "GSSAPI")]
        [InlineData(null)]
        public void ChoosesTheStrongestMechanismThatFitsAPassword(string expected, params string[] offered) =>
            Assert.Equal(expected, LoginMechanism.Choose(offered));
    }
}
