using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Where folders go in a Maildir++ tree, and how message files are delivered, found and renamed.</summary>
    public class MaildirFolderTests : IDisposable
    {
        private readonly TempDirectory _root = new TempDirectory();

        public void Dispose() => _root.Dispose();

        [Theory]
        [InlineData("INBOX")]
        [InlineData("inbox")]
        [InlineData("Inbox")]
        public void InboxIsTheRoot(string folder)
        {
            Assert.Equal(Path.GetFullPath(_root.Path), MaildirFolder.PathFor(_root.Path, folder, '/'));
        }

        [Theory]
        [InlineData("Archive", '/', ".Archive")]
        [InlineData("Archive/2024", '/', ".Archive.2024")]
        [InlineData("Archive.2024", '/', ".Archive&AC4-2024")]     // a dot in a name is not a level: no clash with Archive/2024
        [InlineData("Archive.2024", '.', ".Archive.2024")]         // ... unless the server's separator is the dot
        [InlineData("a/b", '\0', ".a&AC8-b")]                      // a flat server: '/' is part of the name
        [InlineData("Entwürfe", '/', ".Entw&APw-rfe")]             // modified UTF-7, as Dovecot writes it
        [InlineData("R&D", '/', ".R&-D")]
        [InlineData("Q1: \"plans\"?", '/', ".Q1&ADo- &ACI-plans&ACIAPw-")]
        public void FoldersGetDovecotsMaildirPlusPlusNames(string folder, char separator, string name)
        {
            Assert.Equal(Path.Combine(Path.GetFullPath(_root.Path), name), MaildirFolder.PathFor(_root.Path, folder, separator));
        }

        [Theory]
        [InlineData("..")]
        [InlineData("../../etc")]
        [InlineData("a/../../b")]
        [InlineData("..\\..\\x")]
        public void NoFolderNameLeavesTheRoot(string folder)
        {
            string path = MaildirFolder.PathFor(_root.Path, folder, '/');
            Assert.Equal(Path.GetFullPath(_root.Path), Path.GetDirectoryName(path));
            Assert.StartsWith(".", Path.GetFileName(path));
        }

        [Theory]
        [InlineData("/")]
        [InlineData("")]
        public void NamesThatOnlyEmptyLevelsMakeAreRefused(string folder)
        {
            var error = Assert.Throws<MailProtocolException>(() => MaildirFolder.PathFor(_root.Path, folder, '/'));
            Assert.Equal("UnsafeFolderName", error.Reason);
            Assert.Equal(MailErrorKind.InvalidData, error.Kind);
        }

        [Fact]
        public void DistinctFoldersGetDistinctDirectories()
        {
            string[] folders = { "a/b", "a.b", "a&b", "a&-b", "a b", "A/B", "a/b/c", "a.b.c", "a/b.c", "a.b/c" };
            string[] paths = folders.Select(f => MaildirFolder.PathFor(_root.Path, f, '/')).ToArray();
            Assert.Equal(paths.Length, paths.Distinct(StringComparer.Ordinal).Count());
        }

        [Fact]
        public void CreateMakesTheThreeDirectoriesAndTheSubfolderMarker()
        {
            var sub = new MaildirFolder(_root.Combine(".Sub"));
            sub.Create(isSubfolder: true);
            var inbox = new MaildirFolder(_root.Path);
            inbox.Create(isSubfolder: false);

            foreach (string d in new[] { "cur", "new", "tmp" })
            {
                Assert.True(Directory.Exists(Path.Combine(sub.Path, d)));
                Assert.True(Directory.Exists(Path.Combine(inbox.Path, d)));
            }

            Assert.True(File.Exists(Path.Combine(sub.Path, "maildirfolder")));
            Assert.False(File.Exists(Path.Combine(inbox.Path, "maildirfolder")));
        }

        [Fact]
        public void ScanFindsOurFilesInCurAndNewOnly()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            string sep = MaildirFileName.InfoSeparator.ToString();
            _root.Touch("cur", $"100.5_7.mailprotocols,S=1{sep}2,RSa");
            _root.Touch("new", "101.6_7.mailprotocols,S=1");
            _root.Touch("tmp", "102.8_7.mailprotocols,S=1");          // a delivery in progress is not a message yet
            _root.Touch("cur", $"103.M1P2.otherhost{sep}2,S");         // another program's file
            _root.Touch("mailprotocols.sync");

            var entries = folder.Scan().OrderBy(e => e.Uid).ToList();

            Assert.Equal(new uint[] { 5, 6 }, entries.Select(e => e.Uid));
            Assert.All(entries, e => Assert.Equal(7u, e.UidValidity));
            Assert.Equal("RSa", entries[0].Letters);
            Assert.Equal("100.5_7.mailprotocols,S=1", entries[0].BaseName);
            Assert.Equal("", entries[1].Letters);
        }

        [Fact]
        public void DeliveryGoesThroughTmpIntoCurWithSizeFlagsAndDate()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            byte[] body = Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nbody\r\n");
            var date = new DateTimeOffset(2023, 5, 6, 7, 8, 9, TimeSpan.Zero);

            PendingMessage pending = folder.WriteTemporary(new MemoryStream(body), 42, 9, date, "S", CancellationToken.None);
            Assert.StartsWith(folder.Tmp, pending.TemporaryPath);
            Assert.Empty(Directory.GetFiles(folder.Cur));

            MaildirEntry entry = folder.Commit(new[] { pending }, CancellationToken.None).Single();

            Assert.Equal(Path.Combine(folder.Cur, MaildirFileName.WithFlags($"{date.ToUnixTimeSeconds()}.42_9.mailprotocols,S={body.Length}", "S")), entry.Path);
            Assert.Equal(body, File.ReadAllBytes(entry.Path));
            Assert.Equal(date.UtcDateTime, File.GetLastWriteTimeUtc(entry.Path));
            Assert.Empty(Directory.GetFiles(folder.Tmp));
            Assert.Equal(body.Length, entry.Size);
        }

        [Fact]
        public void DiscardRemovesWhatWasNotCommitted()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            PendingMessage pending = folder.WriteTemporary(new MemoryStream(new byte[] { 1, 2, 3 }), 1, 1, null, "", CancellationToken.None);
            Assert.True(File.Exists(pending.TemporaryPath));

            folder.Discard(new[] { pending });

            Assert.Empty(Directory.GetFiles(folder.Tmp));
            Assert.Empty(folder.Scan());
        }

        [Fact]
        public void SetFlagsRenamesOnlyWhenTheLettersChange()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            string sep = MaildirFileName.InfoSeparator.ToString();
            _root.Touch("cur", $"100.5_7.mailprotocols,S=1{sep}2,Sa");
            MaildirEntry entry = folder.Scan().Single();

            Assert.False(folder.SetFlags(entry, "S"));
            Assert.True(File.Exists(entry.Path));

            Assert.True(folder.SetFlags(entry, "FS"));
            Assert.Equal(Path.Combine(folder.Cur, $"100.5_7.mailprotocols,S=1{sep}2,FSa"), entry.Path);   // the keyword letter stays
            Assert.Equal("FSa", entry.Letters);
            Assert.Single(Directory.GetFiles(folder.Cur));
        }

        [Fact]
        public void SetFlagsMovesAFileOutOfNewEvenWithoutLetters()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            _root.Touch("new", "100.5_7.mailprotocols,S=1");
            MaildirEntry entry = folder.Scan().Single();

            Assert.True(folder.SetFlags(entry, ""));

            Assert.Empty(Directory.GetFiles(folder.New));
            Assert.Equal(MaildirFileName.WithFlags("100.5_7.mailprotocols,S=1", ""), Path.GetFileName(Directory.GetFiles(folder.Cur).Single()));
        }

        [Fact]
        public void RemoveLeftoversRemovesOnlyOurTemporaryFiles()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            _root.Touch("tmp", "100.5_7.mailprotocols,S=0.abcd1234");
            string foreign = _root.Touch("tmp", "100.M1P2.otherhost");

            folder.RemoveLeftovers();

            Assert.Equal(new[] { foreign }, Directory.GetFiles(folder.Tmp));
        }

        [Fact]
        public void FileSystemFailuresBecomeWriteErrors()
        {
            var folder = new MaildirFolder(_root.Combine("missing"));
            var error = Assert.Throws<MailProtocolException>(() =>
                folder.WriteTemporary(new MemoryStream(new byte[1]), 1, 1, null, "", CancellationToken.None));
            Assert.Equal(MailErrorKind.WriteError, error.Kind);
            Assert.Equal("FileWriteFailed", error.Reason);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void DeliveryKeepsTheDateWithAndWithoutTheFlush(bool flush)
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            var date = new DateTimeOffset(1999, 12, 31, 23, 59, 58, TimeSpan.FromHours(-5));
            var batch = Enumerable.Range(1, 3).Select(i => folder.WriteTemporary(new MemoryStream(new byte[i * 100]), (uint)i, 9, date, "", CancellationToken.None)).ToList();
            Assert.Equal(3, batch.Select(p => p.TemporaryPath).Distinct().Count());

            var entries = folder.Commit(batch, CancellationToken.None, flush);

            Assert.All(entries, e => Assert.Equal(date.UtcDateTime, File.GetLastWriteTimeUtc(e.Path)));
            Assert.Equal(new long[] { 100, 200, 300 }, entries.Select(e => new FileInfo(e.Path).Length).ToArray());
        }

        [Fact]
        public void CommitNeverReplacesAFileInCur()
        {
            var folder = new MaildirFolder(_root.Path);
            folder.Create(false);
            PendingMessage first = folder.WriteTemporary(new MemoryStream(new byte[] { 1 }), 5, 9, null, "S", CancellationToken.None);
            string path = folder.Commit(new[] { first }, CancellationToken.None, false).Single().Path;
            PendingMessage again = folder.WriteTemporary(new MemoryStream(new byte[] { 2 }), 5, 9, null, "S", CancellationToken.None);

            var error = Assert.Throws<MailProtocolException>(() => folder.Commit(new[] { again }, CancellationToken.None, false));

            Assert.Equal(MailErrorKind.WriteError, error.Kind);
            Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(path));
            Assert.True(File.Exists(again.TemporaryPath));
        }
    }
}
