using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Threading;

namespace MailProtocols
{
    /// <summary>
    /// Writes attachments to a folder under sanitized names. A name that is taken gets a numeric suffix
    /// ("report (1).pdf"); with overwrite, a file that was there before is replaced, but never one this
    /// same run has written, so two attachments with one name both survive.
    /// </summary>
    internal sealed class AttachmentFiles
    {
        private readonly string _directory;
        private readonly bool _overwrite;
        private readonly HashSet<string> _written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public AttachmentFiles(string directory, bool overwrite)
        {
            _directory = Path.GetFullPath(directory);
            _overwrite = overwrite;
        }

        /// <summary>The path the attachment would get now (for -WhatIf and ShouldProcess).</summary>
        public string PlannedPath(MessageAttachment attachment)
        {
            string name = SafeFileName.From(attachment.Name);
            string path = Path.Combine(_directory, name);
            return _overwrite && !_written.Contains(path) ? path : SafeFileName.UniquePath(_directory, name);
        }

        /// <summary>Writes the decoded content; returns the path written.</summary>
        public string Save(MessageAttachment attachment, CancellationToken cancellationToken)
        {
            const int attempts = 3;
            for (int attempt = 1; ; attempt++)
            {
                string path = PlannedPath(attachment);
                bool replace = _overwrite && !_written.Contains(path);
                if (!SafeFileName.IsInside(_directory, path))
                {
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, "UnsafeFileName",
                        $"The attachment name '{attachment.Name}' does not make a file name inside '{_directory}'; it was not saved.");
                }

                try
                {
                    using (var file = new AtomicFile(path))
                    {
                        attachment.WriteContent(file.Stream, cancellationToken);
                        file.Commit(replace);
                    }

                    _written.Add(path);
                    return path;
                }
                catch (IOException) when (!replace && attempt < attempts && File.Exists(path))
                {
                    // Another process took the name between the check and the rename: pick the next free one.
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SecurityException || ex is NotSupportedException)
                {
                    throw new MailProtocolException(MailErrorKind.WriteError, "FileWriteFailed",
                        $"The attachment '{attachment.Name}' could not be written to '{path}': {ex.Message}", ex);
                }
            }
        }
    }
}
