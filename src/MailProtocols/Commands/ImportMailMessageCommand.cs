using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Messages;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Import, "MailMessage", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(MailFileMessage))]
    public sealed class ImportMailMessageCommand : MailCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        [Alias("PSPath", "LP", "FullName")]
        public string[] LiteralPath { get; set; }

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in literal ? LiteralPath : Path)
            {
                foreach (string file in ResolveFiles(path, literal))
                {
                    if (Directory.Exists(file))
                    {
                        ImportMaildir(file);
                        continue;
                    }

                    // A file in a Maildir's cur/ or new/ carries its flags in its name.
                    MaildirFile maildirFile = MaildirReader.TryDescribe(file);
                    MailFileMessage message = null;
                    if (TryInvoke(file, () => message = maildirFile != null ? MaildirReader.Load(maildirFile, CancellationToken) : MailFileMessage.Load(file, CancellationToken)))
                    {
                        WriteObject(message);
                    }
                }
            }
        }

        /// <summary>The messages of a Maildir folder (its new/ and cur/), with the flags their file names carry.</summary>
        private void ImportMaildir(string directory)
        {
            IReadOnlyList<MaildirFile> files = null;
            if (!TryInvoke(directory, () => files = MaildirReader.List(directory)))
            {
                return;
            }

            foreach (MaildirFile file in files)
            {
                MailFileMessage message = null;
                if (TryInvoke(file.Path, () => message = MaildirReader.Load(file, CancellationToken)))
                {
                    WriteObject(message);
                }
            }
        }

        /// <summary>
        /// Files the path names, and Maildir folders (read as a whole). Another folder matched by a wildcard
        /// is passed over; one named outright is an error.
        /// </summary>
        private Collection<string> ResolveFiles(string path, bool literal)
        {
            var files = new Collection<string>();
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                if (literal)
                {
                    resolved = new Collection<string> { SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _) };
                }
                else
                {
                    resolved = GetResolvedProviderPathFromPSPath(path, out provider);
                }
            }
            catch (ItemNotFoundException)
            {
                WriteMailError(MailErrorKind.NotFound, MailErrorReason.FileNotFound, $"'{path}' does not exist.", path);
                return files;
            }

            if (provider.Name != "FileSystem")
            {
                WriteMailError(MailErrorKind.InvalidArgument, MailErrorReason.NotAFileSystemPath, $"'{path}' is on the {provider.Name} provider; give .eml files on the file system.", path);
                return files;
            }

            bool named = literal || !WildcardPattern.ContainsWildcardCharacters(path);
            foreach (string item in resolved)
            {
                if (Directory.Exists(item))
                {
                    if (MaildirReader.IsMaildir(item))
                    {
                        files.Add(item);
                    }
                    else if (named)
                    {
                        WriteMailError(MailErrorKind.InvalidArgument, MailErrorReason.PathIsAFolder,
                            $"'{item}' is a folder, and not a Maildir folder (it has no cur or new folder). Name the files, e.g. '{System.IO.Path.Combine(item, "*.eml")}', or pipe them from Get-ChildItem.", path);
                    }

                    continue;
                }

                files.Add(item);
            }

            return files;
        }
    }
}
