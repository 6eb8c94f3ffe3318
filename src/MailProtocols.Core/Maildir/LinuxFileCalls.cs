using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Single system calls for the Maildir delivery hot path on Linux. File.Move and File.SetLastWriteTimeUtc
    /// each look the paths up again (two lstat calls per move, one per time), which was a fifth of the client's
    /// CPU on a first sync. Every method returns false where it can not help (another system, an old kernel or
    /// C library, a file system without RENAME_NOREPLACE, any error), and the caller then uses the .NET call,
    /// which does the same work and reports errors as usual.
    /// </summary>
    internal static class LinuxFileCalls
    {
        private const int AtCurrentDirectory = -100;
        private const uint RenameNoReplace = 1;

        // UTIME_OMIT: leave the access time alone.
        private const long TimeOmit = (1L << 30) - 2;

        private static readonly bool Usable = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Environment.Is64BitProcess;
        private static volatile bool _renameMissing;
        private static volatile bool _timesMissing;

        /// <summary>rename(2) that fails instead of replacing an existing target, as File.Move does.</summary>
        public static bool TryRenameNoReplace(string from, string to)
        {
            if (!Usable || _renameMissing)
            {
                return false;
            }

            try
            {
                return renameat2(AtCurrentDirectory, from, AtCurrentDirectory, to, RenameNoReplace) == 0;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                _renameMissing = true;
                return false;
            }
        }

        /// <summary>Sets the modification time of an open file (futimens), the access time unchanged.</summary>
        public static bool TrySetModificationTime(SafeFileHandle handle, DateTime utc)
        {
            if (!Usable || _timesMissing || handle.IsInvalid)
            {
                return false;
            }

            long ticks = utc.ToUniversalTime().Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
            long seconds = ticks / TimeSpan.TicksPerSecond;
            long remainder = ticks % TimeSpan.TicksPerSecond;
            if (remainder < 0)
            {
                seconds--;
                remainder += TimeSpan.TicksPerSecond;
            }

            var times = new long[] { 0, TimeOmit, seconds, remainder * 100 };
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return futimens((int)handle.DangerousGetHandle(), times) == 0;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                _timesMissing = true;
                return false;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int renameat2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

        // Two struct timespec { long tv_sec; long tv_nsec; } (64-bit): access time, then modification time.
        [DllImport("libc", SetLastError = true)]
        private static extern int futimens(int descriptor, long[] times);
    }
}
