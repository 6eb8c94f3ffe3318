using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Completes folder parameters (-Folder, -Name, -Destination) from the folder names the session
    /// has already seen (Connect-Imap lists them once; Get-ImapFolder refreshes them). It never touches the
    /// network, so Tab stays instant.
    /// </summary>
    public sealed class ImapFolderCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            ImapSession session = BoundSession(fakeBoundParameters) ?? SessionRegistry.Current.GetDefault<ImapSession>(MailProtocol.Imap);
            if (session == null)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.ContainsWildcardCharacters(typed)
                ? new WildcardPattern(typed, WildcardOptions.IgnoreCase)
                : new WildcardPattern(WildcardPattern.Escape(typed) + "*", WildcardOptions.IgnoreCase);

            return session.FolderCache.Names
                .Where(pattern.IsMatch)
                .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name))
                .ToArray();
        }

        private static ImapSession BoundSession(IDictionary fakeBoundParameters)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains("Session"))
            {
                return null;
            }

            object value = fakeBoundParameters["Session"];
            return (value is PSObject wrapped ? wrapped.BaseObject : value) as ImapSession;
        }

        /// <summary>Single quotes when the name would otherwise break the command line (spaces, $, quotes...).</summary>
        private static string Quote(string name)
        {
            bool plain = name.All(c => char.IsLetterOrDigit(c) || "/._-+:".IndexOf(c) >= 0);
            return plain ? name : "'" + name.Replace("'", "''") + "'";
        }
    }
}
