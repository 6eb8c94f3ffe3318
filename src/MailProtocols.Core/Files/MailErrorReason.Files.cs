namespace MailProtocols
{
    /// <summary>
    /// The reason words of <see cref="MailProtocolException.Reason"/>: each becomes the end of an ErrorId
    /// (<c>&lt;Verb&gt;&lt;Noun&gt;&lt;Reason&gt;</c>), which scripts catch and docs name, so a reason is never written as a literal
    /// anywhere else. One part of this class per area; this part: Local files and folders: reading, writing, saving and importing messages.
    /// </summary>
    internal static partial class MailErrorReason
    {
        public const string CreateFolderFailed = "CreateFolderFailed";

        public const string DirectoryNotFound = "DirectoryNotFound";

        public const string ExistingFileDiffers = "ExistingFileDiffers";

        public const string FileExists = "FileExists";

        public const string FileNotFound = "FileNotFound";

        public const string FileReadFailed = "FileReadFailed";

        public const string FileWriteFailed = "FileWriteFailed";

        public const string ForceAndSkipExisting = "ForceAndSkipExisting";

        public const string InvalidMessageFile = "InvalidMessageFile";

        public const string Locked = "Locked";

        public const string MessageNotDownloaded = "MessageNotDownloaded";

        public const string NoContent = "NoContent";

        public const string NotAFileSystemPath = "NotAFileSystemPath";

        public const string PathIsAFile = "PathIsAFile";

        public const string PathIsAFolder = "PathIsAFolder";

        public const string UnsafeFileName = "UnsafeFileName";

        public const string UnsafeFolderName = "UnsafeFolderName";
    }
}
