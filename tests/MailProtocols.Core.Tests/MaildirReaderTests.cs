using System;
using System.Linq;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Reading Maildir folders any program wrote: which files count, their flags, and delivery order.</summary>
    public class MaildirReaderTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void AFolderIsAMaildirWhenItHasCurOrNew()
        {
            Assert.False(MaildirReader.IsMaildir(_dir.Path));
            _dir.Touch("new", "1.x");
            Assert.True(MaildirReader.IsMaildir(_dir.Path));
        }

        [Fact]
        public void FilesComeInDeliveryOrderNotNameOrder()
        {
            string sep = MaildirFileName.InfoSeparator.ToString();
            _dir.Touch("cur", $"999.M1.host{sep}2,S");                         // 999 sorts after 1000 by name, not by time
            _dir.Touch("cur", $"1000.10_1.mailprotocols,S=1{sep}2,S");       // same second: UID 9 before UID 10
            _dir.Touch("cur", $"1000.9_1.mailprotocols,S=1{sep}2,S");
            _dir.Touch("new", "1000.M5.host");
            _dir.Touch("tmp", "1.M0.host");                                   // in delivery: never read
            _dir.Touch("cur", ".hidden");

            string[] names = MaildirReader.List(_dir.Path).Select(f => System.IO.Path.GetFileName(f.Path)).ToArray();

            Assert.Equal(new[]
            {
                $"999.M1.host{sep}2,S",
                "1000.M5.host",
                $"1000.9_1.mailprotocols,S=1{sep}2,S",
                $"1000.10_1.mailprotocols,S=1{sep}2,S",
            }, names);
        }

        [Fact]
        public void FlagsComeFromCurNamesOnly()
        {
            string sep = MaildirFileName.InfoSeparator.ToString();
            _dir.Touch("cur", $"1.a.host{sep}2,FPRS");
            _dir.Touch("new", $"2.b.host{sep}2,S");                           // new/ has no flags, whatever the name says

            var files = MaildirReader.List(_dir.Path);

            Assert.Equal(ImapMessageFlags.Flagged | ImapMessageFlags.Answered | ImapMessageFlags.Seen, files[0].Flags);
            Assert.True(files[0].Forwarded);
            Assert.False(files[0].IsNew);
            Assert.Equal(ImapMessageFlags.None, files[1].Flags);
            Assert.True(files[1].IsNew);
        }

        [Fact]
        public void HugeLeadingNumbersDoNotOverflow()
        {
            _dir.Touch("cur", "99999999999999999999999999.a.host");
            _dir.Touch("cur", "5.b.host");

            var files = MaildirReader.List(_dir.Path);

            Assert.Equal("5.b.host", System.IO.Path.GetFileName(files[0].Path));
        }
    }
}
