using System.Collections.Generic;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap.Migration;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Copy, "ImapMailbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ImapMailboxCopyResult))]
    public sealed class CopyImapMailboxCommand : MailCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public ImapSession Source { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public ImapSession Destination { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[] Folder { get; set; }

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] ExcludeFolder { get; set; }

        [Parameter]
        public DateTime? Since { get; set; }

        [Parameter]
        public DateTime? Before { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Hashtable FolderMap { get; set; }

        [Parameter]
        public SwitchParameter UpdateFlags { get; set; }

        [Parameter]
        public SwitchParameter NoIdentityCache { get; set; }

        protected override void ProcessRecord()
        {
            ReportReconnects(Source);
            ReportReconnects(Destination);
            WildcardPattern[] excluded = (ExcludeFolder ?? new string[0])
                .Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant))
                .ToArray();
            var options = new ImapMailboxCopyOptions
            {
                Folders = Folder,
                Recurse = Recurse,
                IsExcluded = excluded.Length == 0 ? null : (Func<string, bool>)(name => excluded.Any(p => p.IsMatch(name))),
                Since = Since.HasValue ? new DateTimeOffset(Since.Value) : (DateTimeOffset?)null,
                Before = Before.HasValue ? new DateTimeOffset(Before.Value) : (DateTimeOffset?)null,
                FolderMap = ReadFolderMap(),
                UpdateFlags = UpdateFlags,
                IdentityCacheDirectory = NoIdentityCache ? null : IdentityCache.DefaultDirectory(),
                PlanOnly = IsWhatIf(),
            };

            RunOperation($"mailbox of {Source.UserName} on {Source.Server}", channel => new ImapMailboxCopy(Source, Destination, options, channel).Run());
        }

        protected override void EndProcessing() => CompleteProgress();

        private bool IsWhatIf() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out object whatIf)
                ? ((SwitchParameter)whatIf).IsPresent
                : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        private IReadOnlyDictionary<string, string> ReadFolderMap()
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (FolderMap == null)
            {
                return map;
            }

            foreach (DictionaryEntry entry in FolderMap)
            {
                string from = LanguagePrimitives.ConvertTo<string>(entry.Key);
                string to = entry.Value == null ? null : LanguagePrimitives.ConvertTo<string>(entry.Value);
                if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
                {
                    ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.InvalidFolderMap,
                        "-FolderMap needs a source folder name as each key and a destination folder name as each value, as in @{ 'Old/Name' = 'New/Name' }.", FolderMap);
                }

                map[from] = to;
            }

            return map;
        }
    }
}
