using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;

namespace MailProtocols.Commands
{
    /// <summary>Resolves a -Path that names a folder to write files into.</summary>
    internal static class OutputDirectory
    {
        /// <summary>The full file-system path; a terminating InvalidArgument error if it is not one, or names a file.</summary>
        public static string Resolve(MailCmdlet cmdlet, string path)
        {
            string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
            {
                cmdlet.ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.NotAFileSystemPath,
                    $"-Path '{path}' is on the {provider.Name} provider; give a folder on the file system.", path);
            }

            if (File.Exists(full))
            {
                cmdlet.ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.PathIsAFile,
                    $"-Path '{full}' is a file; give the folder to save into.", path);
            }

            return full;
        }

        /// <summary>Creates the folder (and its parents) if needed; a terminating WriteError if that fails.</summary>
        public static void Create(MailCmdlet cmdlet, string directory)
        {
            try
            {
                OutputFolder.Create(directory);
            }
            catch (MailProtocolException ex)
            {
                cmdlet.ThrowMailError(ex, directory);
            }
        }
    }
}
