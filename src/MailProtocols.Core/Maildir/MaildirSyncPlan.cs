using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Maildir
{
    /// <summary>What one two-way sync of a folder will do on each side (made by <see cref="MaildirSyncPlanner"/>).</summary>
    internal sealed class MaildirSyncPlan
    {
        /// <summary>Local files to APPEND to the server (new locally, or changed locally but expunged on the server).</summary>
        public List<LocalMessageFile> Appends { get; } = new List<LocalMessageFile>();

        /// <summary>Flag changes for the server, one UID STORE each, in letter order, additions first.</summary>
        public List<FlagStore> Stores { get; } = new List<FlagStore>();

        /// <summary>Messages whose local file was deleted: +FLAGS \Deleted on the server.</summary>
        public List<uint> MarkDeleted { get; } = new List<uint>();

        /// <summary>With -Expunge: the UIDs (only ours) to remove with UID EXPUNGE.</summary>
        public List<uint> Expunge { get; } = new List<uint>();

        /// <summary>Local files renamed for flags the server changed.</summary>
        public List<LocalRename> Renames { get; } = new List<LocalRename>();

        /// <summary>Local files of messages expunged on the server.</summary>
        public List<LocalMessageFile> RemoveFiles { get; } = new List<LocalMessageFile>();

        /// <summary>Local files of messages expunged on the server, kept by -KeepDeleted.</summary>
        public List<LocalMessageFile> KeptFiles { get; } = new List<LocalMessageFile>();

        /// <summary>Server messages with no local file that are downloaded: new on the server, or restored after a conflict.</summary>
        public List<uint> Download { get; } = new List<uint>();

        public List<SyncConflict> Conflicts { get; } = new List<SyncConflict>();

        /// <summary>The record of every message with a UID once the plan is carried out (appends get theirs when their UIDs are known).</summary>
        public Dictionary<uint, SyncedMessage> Synced { get; } = new Dictionary<uint, SyncedMessage>();

        /// <summary>The local file of each message the plan touches by UID.</summary>
        public Dictionary<uint, LocalMessageFile> Files { get; } = new Dictionary<uint, LocalMessageFile>();

        /// <summary>UIDs not to download although the local copy lacks them: deletions already pushed, and conflicts in Push.</summary>
        public HashSet<uint> DoNotDownload { get; } = new HashSet<uint>();

        /// <summary>True when the plan changes nothing on either side.</summary>
        public bool IsEmpty => Appends.Count == 0 && Stores.Count == 0 && MarkDeleted.Count == 0 && Expunge.Count == 0 &&
            Renames.Count == 0 && RemoveFiles.Count == 0 && Download.Count == 0;

        /// <summary>Messages whose flags change on the server (each counted once, however many flags).</summary>
        public int FlagsPushed => Stores.SelectMany(s => s.Uids).Distinct().Count();
    }
}
