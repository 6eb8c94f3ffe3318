using System;

namespace MailProtocols
{
    /// <summary>The LIST attributes of a folder that say what it can do and where it sits.</summary>
    [Flags]
    public enum ImapFolderAttributes
    {
        None = 0,
        NoInferiors = 1,
        NoSelect = 2,
        Marked = 4,
        Unmarked = 8,
        NonExistent = 16,
        Subscribed = 32,
        Remote = 64,
        HasChildren = 128,
        HasNoChildren = 256,
    }
}
