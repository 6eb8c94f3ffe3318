using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailProtocols.Core.Files;
using MailProtocols.Core.Pop3;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// UIDL to file name: -SkipExisting trusts the name, so two UIDLs must never share one, not even on a
    /// case-insensitive file system, and no UIDL may name a path outside the folder.
    /// </summary>
    public class Pop3FileNameTests
    {
        [Theory]
        [InlineData("000000016b07a092", "000000016b07a092.eml")]       // Dovecot's UIDLs are kept as they are
        [InlineData("msg-1_a", "msg-1_a.eml")]
        [InlineData("a.b", "a%2eb.eml")]
        [InlineData("100%", "100%25.eml")]                              // '%' itself is escaped, so escapes are unambiguous
        [InlineData("a~b", "a%7eb.eml")]                                // '~' is reserved for the hash suffix
        [InlineData("../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd.eml")]
        [InlineData("ü", "%c3%bc.eml")]                                 // UTF-8 bytes
        public void EscapesEverythingButASafeSet(string uid, string expected)
        {
            Assert.Equal(expected, Pop3FileName.For(uid));
        }

        [Theory]
        [InlineData("con", "%63on.eml")]
        [InlineData("nul", "%6eul.eml")]
        [InlineData("lpt1", "%6cpt1.eml")]
        public void ReservedDeviceNamesAreEscaped(string uid, string expected)
        {
            Assert.Equal(expected, Pop3FileName.For(uid));
        }

        [Fact]
        public void UidlsThatDifferOnlyInCaseGetNamesThatDifferIgnoringCase()
        {
            string upper = Pop3FileName.For("AbC");
            string lower = Pop3FileName.For("abc");
            string other = Pop3FileName.For("ABC");
            Assert.Equal("abc.eml", lower);
            Assert.Matches("^AbC~[0-9a-f]{16}\\.eml$", upper);
            Assert.Equal(3, new HashSet<string>(new[] { upper, lower, other }, StringComparer.OrdinalIgnoreCase).Count);
        }

        [Fact]
        public void NoTwoShortUidlsShareANameEvenIgnoringCase()
        {
            // Every UIDL of one and two printable characters (RFC 1939: 0x21-0x7E): about 9,000 names.
            var printable = Enumerable.Range(0x21, 0x7e - 0x21 + 1).Select(c => ((char)c).ToString()).ToList();
            var uids = printable.Concat(printable.SelectMany(a => printable.Select(b => a + b))).ToList();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string uid in uids)
            {
                string name = Pop3FileName.For(uid);
                Assert.True(names.Add(name), $"'{uid}' and another UIDL both became '{name}'");
                Assert.Equal(name, SafeFileName.From(name));
            }
        }

        [Fact]
        public void LongUidlsAreCutAndHashedWithoutSplittingAnEscape()
        {
            // 70 characters is POP3's maximum; escaped, "!" is 3 characters each.
            string a = new string('!', 69) + "a";
            string b = new string('!', 69) + "b";
            string nameA = Pop3FileName.For(a);
            string nameB = Pop3FileName.For(b);

            Assert.NotEqual(nameA, nameB);                               // same first 80 characters, different hashes
            string stem = nameA.Substring(0, nameA.IndexOf('~'));
            Assert.Equal(78, stem.Length);                                // 80 would split "%21"; the cut backs up to the escape
            Assert.Matches("^(%21)+$", stem);
            Assert.Equal(nameA, SafeFileName.From(nameA));
        }

        [Fact]
        public void ALongUidlWithoutEscapesIsCutAtEighty()
        {
            string name = Pop3FileName.For(new string('x', 200));
            Assert.Equal(80 + 1 + 16 + 4, name.Length);
            Assert.True(Encoding.UTF8.GetByteCount(name) <= SafeFileName.MaxUtf8Bytes);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        public void AnEmptyUidlIsRefused(string uid)
        {
            Assert.Throws<ArgumentException>(() => Pop3FileName.For(uid));
        }
    }
}
