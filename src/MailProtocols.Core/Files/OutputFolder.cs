using System;
using System.IO;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Files
{
    /// <summary>The folder a save operation writes its files into.</summary>
    internal static class OutputFolder
    {
        /// <summary>Creates the folder (and its parents) if needed; CreateFolderFailed if that fails.</summary>
        public static void Create(string directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.CreateFolderFailed,
                    $"The folder '{directory}' could not be created: {ex.Message}", ex);
            }
        }
    }
}
