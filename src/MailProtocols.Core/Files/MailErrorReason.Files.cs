namespace MailProtocols.Core.Errors
{
    // Local files and folders: reading, writing, saving and importing messages. (What a reason is: Errors/MailErrorReason.cs.)
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

        public const string NotInMaildir = "NotInMaildir";

        public const string PathIsAFile = "PathIsAFile";

        public const string PathIsAFolder = "PathIsAFolder";

        public const string UnsafeFileName = "UnsafeFileName";

        public const string UnsafeFolderName = "UnsafeFolderName";

        public const string TempFileFailed = "TempFileFailed";
    }
}
