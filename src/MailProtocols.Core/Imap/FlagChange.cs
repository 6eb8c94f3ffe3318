namespace MailProtocols.Core.Imap
{
    /// <summary>How a STORE changes flags: replace them, add to them or remove from them.</summary>
    internal enum FlagChange
    {
        Set,
        Add,
        Remove,
    }
}
