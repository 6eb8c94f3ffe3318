using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using MailProtocols.Core.Files;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// Writing files the safe way: complete or not at all (AtomicFile), never over different content
    /// (MessageFileWriter), one sync per destination (DestinationLock), names that keep UIDs whole (ImapMessageFiles).
    /// </summary>
    public class FileWritingTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        private static void Write(Stream stream, string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        }

        [Fact]
        public void AtomicFileAppearsOnlyOnCommit()
        {
            string path = _dir.Combine("a.eml");
            using (var file = new AtomicFile(path))
            {
                Write(file.Stream, "complete");
                Assert.False(File.Exists(path));
                Assert.EndsWith(AtomicFile.TemporarySuffix, file.TemporaryPath);
                file.Commit(overwrite: false);
            }

            Assert.Equal("complete", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path));
        }

        [Fact]
        public void AtomicFileWithoutCommitLeavesNothing()
        {
            using (var file = new AtomicFile(_dir.Combine("a.eml")))
            {
                Write(file.Stream, "partial");
            }

            Assert.Empty(Directory.GetFiles(_dir.Path));
        }

        [Fact]
        public void AtomicFileNeverReplacesUnlessAsked()
        {
            string path = _dir.Touch("a.eml");
            using (var file = new AtomicFile(path))
            {
                Write(file.Stream, "new");
                Assert.ThrowsAny<IOException>(() => file.Commit(overwrite: false));
            }

            Assert.Equal("x", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(_dir.Path));

            using (var file = new AtomicFile(path))
            {
                Write(file.Stream, "new");
                file.Commit(overwrite: true);
            }

            Assert.Equal("new", File.ReadAllText(path));
        }

        private string SaveMessage(string name, string content, out string note)
        {
            using (var writer = new MessageFileWriter(_dir.Combine(name)))
            {
                byte[] bytes = Encoding.ASCII.GetBytes(content);
                writer.Write(bytes, bytes.Length);
                return writer.Commit(out note);
            }
        }

        [Fact]
        public void SavingTheSameMessageAgainKeepsOneFile()
        {
            string first = SaveMessage("42.eml", "Subject: a\r\n\r\nbody", out string note1);
            string again = SaveMessage("42.eml", "Subject: a\r\n\r\nbody", out string note2);

            Assert.Equal(first, again);
            Assert.Null(note1);
            Assert.Null(note2);
            Assert.Single(Directory.GetFiles(_dir.Path));
        }

        [Fact]
        public void AMessageWithDifferentContentNeverReplacesTheFileOfItsName()
        {
            SaveMessage("42.eml", "original", out _);
            string other = SaveMessage("42.eml", "different", out string note);

            Assert.Equal(_dir.Combine("42 (1).eml"), other);
            Assert.Equal("original", File.ReadAllText(_dir.Combine("42.eml")));
            Assert.Equal("different", File.ReadAllText(other));
            Assert.Contains("different content", note);

            // A third content takes the next free name; nothing is ever replaced.
            Assert.Equal(_dir.Combine("42 (2).eml"), SaveMessage("42.eml", "third", out _));
            Assert.Equal("different", File.ReadAllText(other));
        }

        [Fact]
        public void AnAbandonedMessageLeavesNoFile()
        {
            using (var writer = new MessageFileWriter(_dir.Combine("7.eml")))
            {
                writer.Write(new byte[] { 1, 2, 3 }, 3);
            }

            Assert.Empty(Directory.GetFiles(_dir.Path));
        }

        [Fact]
        public void ASecondSyncOfTheSameDestinationIsRefusedAsBusy()
        {
            using (DestinationLock held = DestinationLock.Acquire(_dir.Path, "Sync-ImapFolder of INBOX"))
            {
                var error = Assert.Throws<MailProtocolException>(() => DestinationLock.Acquire(_dir.Path, "another"));
                Assert.Equal(MailErrorKind.Busy, error.Kind);
                Assert.Equal("Locked", error.Reason);
                Assert.Contains("Nothing was changed", error.Message);
                Assert.Null(held.TakenOverFrom);
            }

            // Released: the file is gone and the lock can be taken again.
            Assert.False(File.Exists(_dir.Combine(DestinationLock.FileName)));
            using (DestinationLock.Acquire(_dir.Path, "again"))
            {
            }
        }

        private string LockFile(int pid, string host, long start, string purpose) =>
            $"pid={pid}\nhost={host}\nstart={start}\nsince=2024-01-01T00:00:00Z\npurpose={purpose}\n";

        [Fact]
        public void ALockLeftByAProcessThatIsGoneIsTakenOver()
        {
            int gone;
            using (Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false }))
            {
                process.WaitForExit();
                gone = process.Id;
            }

            File.WriteAllText(_dir.Combine(DestinationLock.FileName), LockFile(gone, Environment.MachineName, 0, "an old sync"));

            using (DestinationLock taken = DestinationLock.Acquire(_dir.Path, "new sync"))
            {
                Assert.Contains($"process {gone}", taken.TakenOverFrom);
                Assert.Contains("an old sync", taken.TakenOverFrom);
            }
        }

        [Fact]
        public void ALockWhoseProcessIdWasReusedIsTakenOver()
        {
            // This process is alive, but it did not start at the time the lock file says.
            File.WriteAllText(_dir.Combine(DestinationLock.FileName), LockFile(Environment.ProcessId, Environment.MachineName, 1, "old"));
            using (DestinationLock taken = DestinationLock.Acquire(_dir.Path, "new"))
            {
                Assert.NotNull(taken.TakenOverFrom);
            }
        }

        [Theory]
        [InlineData(true)]      // a live process on this machine that holds no OS lock (e.g. on a file system without one)
        [InlineData(false)]     // another machine (a shared folder): it cannot be checked, so it counts as alive
        public void ALockOfALiveOrUncheckableOwnerIsRespected(bool thisHost)
        {
            string host = thisHost ? Environment.MachineName : "elsewhere.example.com";
            File.WriteAllText(_dir.Combine(DestinationLock.FileName), LockFile(Environment.ProcessId, host, 0, "the other sync"));

            var error = Assert.Throws<MailProtocolException>(() => DestinationLock.Acquire(_dir.Path, "new"));

            Assert.Equal("Locked", error.Reason);
            Assert.Contains("the other sync", error.Message);
            // The owner's record stays, so the next run is refused too (a refused run used to delete it on close).
            Assert.Equal(LockFile(Environment.ProcessId, host, 0, "the other sync"), File.ReadAllText(_dir.Combine(DestinationLock.FileName)));
            Assert.Equal("Locked", Assert.Throws<MailProtocolException>(() => DestinationLock.Acquire(_dir.Path, "third")).Reason);
        }

        [Fact]
        public void ALockInAFolderThatCannotBeWrittenIsAWriteError()
        {
            var error = Assert.Throws<MailProtocolException>(() => DestinationLock.Acquire(_dir.Combine("missing"), "sync"));
            Assert.Equal(MailErrorKind.WriteError, error.Kind);
        }

        [Theory]
        [InlineData("Projects/Alerts", '/', "Projects_Alerts_1700000000_42.eml")]
        [InlineData("Projects.Alerts", '.', "Projects_Alerts_1700000000_42.eml")]
        [InlineData("a\\b/c", '.', "a_b_c_1700000000_42.eml")]          // separators inside a level keep both sides
        [InlineData("..", '/', "folder_1700000000_42.eml")]
        [InlineData("CON", '/', "_CON_1700000000_42.eml")]
        [InlineData("Entwürfe", '/', "Entwürfe_1700000000_42.eml")]
        public void SavedImapMessagesAreNamedByFolderUidValidityAndUid(string folder, char separator, string name)
        {
            Assert.Equal(name, ImapMessageFiles.FileName(folder, separator, 1700000000, 42));
        }

        [Theory]
        [InlineData("x")]
        [InlineData("請")]
        [InlineData("😀")]
        public void LongFolderNamesAreCutButTheUidsNeverAre(string unit)
        {
            string name = ImapMessageFiles.FileName(string.Concat(Enumerable.Repeat(unit, 300)), '/', uint.MaxValue, uint.MaxValue);
            Assert.EndsWith($"_{uint.MaxValue}_{uint.MaxValue}.eml", name);
            Assert.True(Encoding.UTF8.GetByteCount(name) < 160, $"{Encoding.UTF8.GetByteCount(name)} bytes");
            Assert.Equal(name, SafeFileName.From(name));
        }
    }
}
