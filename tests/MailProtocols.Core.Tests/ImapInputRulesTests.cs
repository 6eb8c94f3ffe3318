using System;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>User text that MailKit would send unquoted is refused before anything is sent, so nothing is spliced into a command.</summary>
    public class ImapInputRulesTests
    {
        private static MailProtocolException Refused(Action check, string reason)
        {
            var error = Assert.Throws<MailProtocolException>(check);
            Assert.Equal(MailErrorKind.InvalidArgument, error.Kind);
            Assert.Equal(reason, error.Reason);
            return error;
        }

        [Theory]
        [InlineData("$Forwarded")]
        [InlineData("Urgent")]
        [InlineData("[Label")]             // '[' is an atom character; only ']' is special
        [InlineData("a+b-c.d/e:f")]
        [InlineData("~")]
        public void KeywordsThatAreAtomsPass(string keyword)
        {
            ImapInputRules.CheckKeyword(keyword);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("two words")]
        [InlineData("x\r\nA1 DELETE INBOX")]    // command injection through a bare atom
        [InlineData("tab\t")]
        [InlineData("a(b")]
        [InlineData("a)b")]
        [InlineData("a{5}")]                    // a literal announcement
        [InlineData("100%")]
        [InlineData("wild*")]
        [InlineData("say\"hi\"")]
        [InlineData("back\\slash")]
        [InlineData("a]")]
        [InlineData("Wichtig✓")]                // keywords are ASCII
        [InlineData("del\u007f")]
        public void KeywordsThatAreNotAtomsAreRefused(string keyword)
        {
            Refused(() => ImapInputRules.CheckKeyword(keyword), "InvalidKeyword");
        }

        [Fact]
        public void RefusedKeywordIsShownWithControlCharactersVisible()
        {
            MailProtocolException error = Refused(() => ImapInputRules.CheckKeyword("x\r\ny"), "InvalidKeyword");
            Assert.Contains("'x\\u000d\\u000ay'", error.Message);
            Assert.DoesNotContain("\r", error.Message);
        }

        [Theory]
        [InlineData("X-Mailer")]
        [InlineData("List-Id")]
        [InlineData("X_Odd!#$%&'*+.^`|~")]
        public void HeaderNamesPass(string name)
        {
            ImapInputRules.CheckHeaderName(name);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("X Mailer")]
        [InlineData("Subject:")]
        [InlineData("X-A\r\nA1 LOGOUT")]
        [InlineData("Betreff-ü")]
        public void BadHeaderNamesAreRefused(string name)
        {
            Refused(() => ImapInputRules.CheckHeaderName(name), "InvalidHeaderName");
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("line\r\nbreaks and \"quotes\" and {literals} are quoted by MailKit")]
        [InlineData("請求書 ✓")]
        public void SearchTextMayHoldAnythingButNul(string text)
        {
            ImapInputRules.CheckSearchText("Subject", text);
        }

        [Fact]
        public void SearchTextWithNulIsRefusedNamingTheParameter()
        {
            MailProtocolException error = Refused(() => ImapInputRules.CheckSearchText("From", "a\0b"), "InvalidSearchText");
            Assert.StartsWith("-From ", error.Message);
        }

        [Theory]
        [InlineData("Projects/2024", '/')]
        [InlineData("Projects.2024", '/')]
        [InlineData("a//b", '\0')]               // a flat server has no levels to leave empty
        [InlineData("Entwürfe", '.')]
        public void NewFolderNamesPass(string name, char separator)
        {
            ImapInputRules.CheckNewFolderName(name, separator);
        }

        [Theory]
        [InlineData("a\rb", '/')]
        [InlineData("a\nb", '\0')]
        [InlineData("tab\t", '/')]
        [InlineData("nul\0", '/')]
        [InlineData("del\u007f", '/')]
        [InlineData("/Projects", '/')]
        [InlineData("Projects/", '/')]
        [InlineData("a//b", '/')]
        [InlineData("a..b", '.')]
        [InlineData("", '/')]
        public void BadNewFolderNamesAreRefused(string name, char separator)
        {
            Refused(() => ImapInputRules.CheckNewFolderName(name, separator), "InvalidFolderName");
        }

        [Theory]
        [InlineData(null, "")]
        [InlineData("plain", "plain")]
        [InlineData("a\0b\tc\u007f", "a\\u0000b\\u0009c\\u007f")]
        [InlineData("ü", "ü")]
        public void PrintableShowsControlCharactersAsEscapes(string text, string shown)
        {
            Assert.Equal(shown, ImapInputRules.Printable(text));
        }
    }
}
