namespace MailProtocols.Core.Files
{
    /// <summary>
    /// A file a save operation wrote (or found already saved), with the message it holds. The cmdlet side of
    /// the channel turns it into the file's FileInfo with the SavedFile view.
    /// </summary>
    internal sealed class SavedMessageFile
    {
        public SavedMessageFile(string path, MailMessageBase message, bool? alreadySaved = null)
        {
            Path = path;
            Message = message;
            AlreadySaved = alreadySaved;
        }

        public string Path { get; }

        public MailMessageBase Message { get; }

        /// <summary>Whether an earlier run saved it (Save-ImapMessage tells them apart); null where the command does not say.</summary>
        public bool? AlreadySaved { get; }
    }
}
