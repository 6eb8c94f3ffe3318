using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Keeps two syncs out of one destination. The lock is the file "mailprotocols.lock", held open
    /// without sharing for the whole run: the operating system refuses a second open (flock on Unix,
    /// a sharing violation on Windows) and releases it when the process ends, however it ends.
    /// The file also names its owner (process id, start time, host); a file that is left over but not
    /// held, or whose owner is gone, is a stale lock and is taken over. The owner check also protects
    /// file systems where the operating-system lock is not enforced.
    /// </summary>
    internal sealed class DestinationLock : IDisposable
    {
        public const string FileName = "mailprotocols.lock";

        private FileStream _stream;

        private DestinationLock(FileStream stream, string path)
        {
            _stream = stream;
            Path = path;
        }

        public string Path { get; }

        /// <summary>Set when a stale lock was taken over: who had left it.</summary>
        public string TakenOverFrom { get; private set; }

        /// <summary>Takes the lock, or throws a Busy error naming the run that holds it.</summary>
        public static DestinationLock Acquire(string directory, string purpose)
        {
            string path = System.IO.Path.Combine(directory, FileName);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            }
            catch (IOException ex) when (File.Exists(path))
            {
                throw Busy(path, null, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                    $"The lock file '{path}' could not be created: {ex.Message} Check that the destination is writable.", ex);
            }

            try
            {
                string previous = ReadAll(stream);
                LockOwner owner = LockOwner.Parse(previous);
                if (owner != null && owner.IsAlive())
                {
                    // Closing deletes the file (DeleteOnClose): put the owner's record back, or the next run would find no lock.
                    stream.Dispose();
                    Restore(path, previous);
                    throw Busy(path, owner, null);
                }

                var taken = new DestinationLock(stream, path);
                if (owner != null)
                {
                    taken.TakenOverFrom = owner.Describe();
                }

                byte[] bytes = new UTF8Encoding(false).GetBytes(LockOwner.Current(purpose));
                stream.SetLength(0);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
                return taken;
            }
            catch (Exception)
            {
                stream.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            // DeleteOnClose removes the file as the lock is released, so no other run can see it half-released.
            _stream?.Dispose();
            _stream = null;
        }

        private static void Restore(string path, string text)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(text);
                    file.Write(bytes, 0, bytes.Length);
                }
            }
            catch (IOException)
            {
                // The owner (or another run) wrote it again already.
            }
        }

        private static string ReadAll(FileStream stream)
        {
            stream.Position = 0;
            var buffer = new byte[Math.Min(stream.Length, 4096)];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return Encoding.UTF8.GetString(buffer, 0, read);
        }

        private static MailProtocolException Busy(string path, LockOwner owner, Exception inner) =>
            new MailProtocolException(MailErrorKind.Busy, MailErrorReason.Locked,
                $"Another sync is using this destination: {(owner != null ? owner.Describe() : "a running process")} holds '{path}'. " +
                "Wait until it has finished, or choose another -Destination. Nothing was changed.", inner);

        /// <summary>Who holds a lock: enough to tell a live owner from a dead one, also after the process id was reused.</summary>
        private sealed class LockOwner
        {
            public int ProcessId { get; private set; }

            public string Host { get; private set; }

            public long StartTicks { get; private set; }

            public string Since { get; private set; }

            public string Purpose { get; private set; }

            public static string Current(string purpose)
            {
                using (Process self = Process.GetCurrentProcess())
                {
                    return string.Format(CultureInfo.InvariantCulture, "pid={0}\nhost={1}\nstart={2}\nsince={3:o}\npurpose={4}\n",
                        self.Id, Environment.MachineName, StartTicksOf(self), DateTimeOffset.UtcNow, purpose);
                }
            }

            public static LockOwner Parse(string text)
            {
                var owner = new LockOwner();
                foreach (string line in (text ?? string.Empty).Split('\n'))
                {
                    int equals = line.IndexOf('=');
                    if (equals <= 0)
                    {
                        continue;
                    }

                    string key = line.Substring(0, equals);
                    string value = line.Substring(equals + 1).Trim();
                    switch (key)
                    {
                        case "pid": owner.ProcessId = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0; break;
                        case "host": owner.Host = value; break;
                        case "start": owner.StartTicks = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : 0; break;
                        case "since": owner.Since = value; break;
                        case "purpose": owner.Purpose = value; break;
                    }
                }

                return owner.ProcessId > 0 ? owner : null;
            }

            /// <summary>
            /// Only a process on this machine can be checked; one elsewhere (a shared folder) counts as alive,
            /// because taking its lock could corrupt the destination.
            /// </summary>
            public bool IsAlive()
            {
                if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                try
                {
                    using (Process process = Process.GetProcessById(ProcessId))
                    {
                        // Start times read by two processes can differ by a few milliseconds; a reused process id cannot be that close.
                        return !process.HasExited && (StartTicks == 0 || Math.Abs(StartTicksOf(process) - StartTicks) < 2 * TimeSpan.TicksPerSecond);
                    }
                }
                catch (ArgumentException)
                {
                    return false;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }

            public string Describe() =>
                $"{(string.IsNullOrEmpty(Purpose) ? "a sync" : Purpose)} (process {ProcessId} on {Host}, since {Since})";

            private static long StartTicksOf(Process process)
            {
                try
                {
                    return process.StartTime.ToUniversalTime().Ticks;
                }
                catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException)
                {
                    return 0;
                }
            }
        }
    }
}
