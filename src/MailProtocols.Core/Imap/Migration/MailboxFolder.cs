namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>One folder of a mailbox as the migration planner sees it: its name, hierarchy delimiter and role.</summary>
    internal sealed class MailboxFolder
    {
        public MailboxFolder(string fullName, char separator, ImapSpecialUse specialUse = ImapSpecialUse.None, bool selectable = true)
        {
            FullName = fullName;
            Separator = separator;
            SpecialUse = specialUse;
            Selectable = selectable;
        }

        public string FullName { get; }

        /// <summary>The hierarchy delimiter, '\0' on a flat server.</summary>
        public char Separator { get; }

        /// <summary>The SPECIAL-USE attribute the server sent, None when it sent none.</summary>
        public ImapSpecialUse SpecialUse { get; }

        /// <summary>False for a \NoSelect container that only groups other folders.</summary>
        public bool Selectable { get; }

        public override string ToString() => FullName;
    }
}
