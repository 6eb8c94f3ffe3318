using System;
using System.Runtime.InteropServices;

namespace MailProtocols.Core.SignIn
{
    /// <summary>chmod for netstandard2.0, which has no File.SetUnixFileMode.</summary>
    internal static class UnixMode
    {
        public static void Set(string path, string octal)
        {
            if (chmod(path, Convert.ToUInt32(octal, 8)) != 0)
            {
                throw new UnauthorizedAccessException($"The permissions of {path} could not be set to {octal} (errno {Marshal.GetLastWin32Error()}).");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
