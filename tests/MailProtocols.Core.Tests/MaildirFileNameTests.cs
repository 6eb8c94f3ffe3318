using System;
using System.IO;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The names Sync-ImapFolder gives its files, and how it recognises them again.</summary>
    public class MaildirFileNameTests
    {
        private static readonly char Separator = MaildirFileName.InfoSeparator;

        [Fact]
        public void BaseNameCarriesTimeUidValidityAndSize()
        {
            var date = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));
            string name = MaildirFileName.BaseName(42, 1700000000, date, 1234);
            Assert.Equal($"{date.ToUnixTimeSeconds()}.42_1700000000.mailprotocols,S=1234", name);
        }

        [Fact]
        public void DateBeforeTheEpochIsClampedToZero()
        {
            // A server may report a 1969 INTERNALDATE; a negative number would not sort and breaks readers that parse it.
            string name = MaildirFileName.BaseName(1, 2, new DateTimeOffset(1960, 1, 1, 0, 0, 0, TimeSpan.Zero), 10);
            Assert.StartsWith("0.1_2.", name);
        }

        [Fact]
        public void LargestUidsFit()
        {
            string name = MaildirFileName.BaseName(uint.MaxValue, uint.MaxValue, DateTimeOffset.FromUnixTimeSeconds(0), long.MaxValue);
            Assert.True(MaildirFileName.TryParseOurs(name, out uint uid, out uint validity));
            Assert.Equal(uint.MaxValue, uid);
            Assert.Equal(uint.MaxValue, validity);
        }

        [Fact]
        public void WithFlagsUsesThePlatformSeparator()
        {
            Assert.Equal(Path.DirectorySeparatorChar == '\\' ? ';' : ':', Separator);
            Assert.Equal("base" + Separator + "2,FS", MaildirFileName.WithFlags("base", "FS"));
            Assert.Equal("base" + Separator + "2,", MaildirFileName.WithFlags("base", ""));
        }

        [Theory]
        [InlineData("1.2_3.mailprotocols,S=5:2,FS", "1.2_3.mailprotocols,S=5", "FS")]
        [InlineData("1.2_3.mailprotocols,S=5;2,RS", "1.2_3.mailprotocols,S=5", "RS")]   // the Windows separator, read on any system
        [InlineData("1.2_3.mailprotocols,S=5:2,", "1.2_3.mailprotocols,S=5", "")]
        [InlineData("1.2_3.mailprotocols,S=5", "1.2_3.mailprotocols,S=5", "")]         // new/: no info part yet
        [InlineData("odd:2,name:2,S", "odd:2,name", "S")]                             // the last info part counts
        [InlineData("host;2,x:2,T", "host;2,x", "T")]
        public void SplitSeparatesUniquePartAndLetters(string fileName, string baseName, string letters)
        {
            MaildirFileName.Split(fileName, out string actualBase, out string actualLetters);
            Assert.Equal(baseName, actualBase);
            Assert.Equal(letters, actualLetters);
        }

        [Fact]
        public void NamesWeWriteAreRecognised()
        {
            string baseName = MaildirFileName.BaseName(7, 99, DateTimeOffset.FromUnixTimeSeconds(1700000000), 512);
            string fileName = MaildirFileName.WithFlags(baseName, "RS");
            Assert.True(MaildirFileName.TryParseOurs(fileName, out uint uid, out uint validity));
            Assert.Equal(7u, uid);
            Assert.Equal(99u, validity);
            MaildirFileName.Split(fileName, out string back, out string letters);
            Assert.Equal(baseName, back);
            Assert.Equal("RS", letters);
        }

        [Theory]
        [InlineData("1700000000.7_99.mailprotocols")]                 // no size, no info part
        [InlineData("1700000000.7_99.mailprotocols,S=1,W=2:2,S")]     // another program added W= and kept our name
        public void OursInAnyShapeAMailReaderLeaves(string fileName)
        {
            Assert.True(MaildirFileName.TryParseOurs(fileName, out uint uid, out uint validity));
            Assert.Equal(7u, uid);
            Assert.Equal(99u, validity);
        }

        [Theory]
        [InlineData("1700000000.M1P2.hostname,S=10:2,S")]            // Dovecot's own delivery
        [InlineData("1700000000.7_99.mailprotocolsX,S=1:2,S")]       // another host whose name starts like ours
        [InlineData("1700000000.7_99.example:2,S")]
        [InlineData("1700000000.7-99.mailprotocols:2,S")]
        [InlineData("x1700000000.7_99.mailprotocols")]
        [InlineData("1700000000.4294967296_1.mailprotocols")]        // a UID beyond 32 bits cannot be an IMAP UID
        [InlineData("1700000000.1_4294967296.mailprotocols")]
        [InlineData("1700000000.-1_5.mailprotocols")]
        [InlineData("")]
        public void OtherFilesAreNotOurs(string fileName)
        {
            Assert.False(MaildirFileName.TryParseOurs(fileName, out _, out _));
        }
    }
}
