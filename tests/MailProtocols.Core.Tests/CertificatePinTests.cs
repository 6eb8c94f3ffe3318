using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>-CertificateThumbprint accepts a thumbprint however it was copied, and nothing that is not one.</summary>
    public class CertificatePinTests
    {
        [Theory]
        [InlineData("ab:cd:ab:cd:ab:cd:ab:cd:ab:cd:ab:cd:ab:cd:ab:cd:ab:cd:ab:cd", "ABCDABCDABCDABCDABCDABCDABCDABCDABCDABCD")]
        [InlineData("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", "0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F")]
        [InlineData("\u200E12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12", "1212121212121212121212121212121212121212")]
        [InlineData("xyz", null)]
        [InlineData("ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB", null)]
        [InlineData(null, null)]
        public void Normalizes(string text, string expected) => Assert.Equal(expected, CertificatePin.Normalize(text));
    }
}
