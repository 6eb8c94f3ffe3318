using System.IO;
using MailKit;

namespace MailProtocols.Core.Sessions
{
    /// <summary>Creates the -ProtocolLogPath logger. Secrets are always redacted.</summary>
    internal static class ProtocolLog
    {
        public static IProtocolLogger Create(string path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return new NullProtocolLogger();
            }

            string directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return new ProtocolLogger(path, append: true) { RedactSecrets = true, LogTimestamps = true };
        }
    }
}
