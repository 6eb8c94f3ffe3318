using System;

namespace MailProtocols
{
    /// <summary>
    /// Access rights on a folder (RFC 4314). Each name stands for one right letter; the older RFC 2086
    /// letters are accepted too: "c" means CreateFolder and DeleteFolder ("k x"), "d" means DeleteMessages and Expunge ("t e").
    /// </summary>
    [Flags]
    public enum ImapFolderRights
    {
        None = 0,

        /// <summary>l: the folder is visible to LIST.</summary>
        Lookup = 1 << 0,

        /// <summary>r: SELECT the folder and read its messages.</summary>
        Read = 1 << 1,

        /// <summary>s: keep the \Seen flag.</summary>
        Seen = 1 << 2,

        /// <summary>w: set flags other than \Seen and \Deleted.</summary>
        Write = 1 << 3,

        /// <summary>i: append or copy messages into the folder.</summary>
        Insert = 1 << 4,

        /// <summary>p: send mail to the folder's submission address.</summary>
        Post = 1 << 5,

        /// <summary>k: create subfolders.</summary>
        CreateFolder = 1 << 6,

        /// <summary>x: delete or rename the folder.</summary>
        DeleteFolder = 1 << 7,

        /// <summary>t: set the \Deleted flag.</summary>
        DeleteMessages = 1 << 8,

        /// <summary>e: expunge deleted messages.</summary>
        Expunge = 1 << 9,

        /// <summary>a: change the folder's access rights.</summary>
        Administer = 1 << 10,

        /// <summary>Every right above.</summary>
        All = Lookup | Read | Seen | Write | Insert | Post | CreateFolder | DeleteFolder | DeleteMessages | Expunge | Administer,
    }
}
