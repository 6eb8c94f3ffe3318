using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;

namespace MailProtocols.Core.Messages
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
        private readonly bool _skipIdentical;
        private readonly HashSet<string> _written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <param name="skipIdentical">-SkipExisting: an attachment whose content is already in a file of its name
        /// ("scan.pdf", or a numbered "scan (2).pdf") is not written again, so a stopped run can be resumed.</param>
        public AttachmentFiles(string directory, bool overwrite, bool skipIdentical = false)
        {
            _directory = Path.GetFullPath(directory);
            _overwrite = overwrite;
            _skipIdentical = skipIdentical;
        }

        /// <summary>The path the attachment would get now (for -WhatIf and ShouldProcess).</summary>
        public string PlannedPath(MessageAttachment attachment)
        {
            string name = SafeFileName.From(attachment.Name);
            string path = Path.Combine(_directory, name);
            return _overwrite && !_written.Contains(path) ? path : SafeFileName.UniquePath(_directory, name);
        }

        /// <summary>Writes the decoded content; returns the path written.</summary>
        public string Save(MessageAttachment attachment, CancellationToken cancellationToken) => Save(attachment, cancellationToken, out _);

        /// <summary>
        /// Writes the decoded content and returns the path written; with skip-identical, returns instead the existing
        /// file that holds the same content under the same name, and <paramref name="existed"/> is true.
        /// </summary>
        public string Save(MessageAttachment attachment, CancellationToken cancellationToken, out bool existed)
        {
            existed = false;
            const int attempts = 3;
            for (int attempt = 1; ; attempt++)
            {
                string path = PlannedPath(attachment);
                bool replace = _overwrite && !_written.Contains(path);
                if (!SafeFileName.IsInside(_directory, path))
                {
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.UnsafeFileName,
                        $"The attachment name '{attachment.Name}' does not make a file name inside '{_directory}'; it was not saved.");
                }

                try
                {
                    using (var file = new AtomicFile(path))
                    {
                        if (_skipIdentical)
                        {
                            using (var hashing = new HashingWriteStream(file.Stream))
                            {
                                attachment.WriteContent(hashing, cancellationToken);
                                string same = ExistingWithSameContent(SafeFileName.From(attachment.Name), hashing.BytesWritten, hashing.Hash);
                                if (same != null)
                                {
                                    existed = true;
                                    return same;
                                }
                            }
                        }
                        else
                        {
                            attachment.WriteContent(file.Stream, cancellationToken);
                        }

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
                    throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                        $"The attachment '{attachment.Name}' could not be written to '{path}': {ex.Message}", ex);
                }
            }
        }

        /// <summary>The file named <paramref name="safeName"/> or "stem (n).ext" with this length and SHA-256; null if none.</summary>
        private string ExistingWithSameContent(string safeName, long length, byte[] hash)
        {
            string stem = Path.GetFileNameWithoutExtension(safeName);
            string extension = Path.GetExtension(safeName);
            var numbered = new Regex("^" + Regex.Escape(stem) + @" \(\d+\)" + Regex.Escape(extension) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            IEnumerable<string> candidates = new[] { Path.Combine(_directory, safeName) }
                .Concat(Directory.EnumerateFiles(_directory).Where(f => numbered.IsMatch(Path.GetFileName(f))).OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal));
            return candidates.FirstOrDefault(c => File.Exists(c) && new FileInfo(c).Length == length && HashingWriteStream.HashOf(c).SequenceEqual(hash));
        }
    }
}
