namespace MailProtocols.Core.Errors
{
    // IMAP folders, messages, flags, searches and server features. (What a reason is: Errors/MailErrorReason.cs.)
    internal static partial class MailErrorReason
    {
        public const string AclNotSupported = "AclNotSupported";

        public const string AlreadyInTrash = "AlreadyInTrash";

        public const string AmbiguousKeyword = "AmbiguousKeyword";

        public const string BodyPartNotFound = "BodyPartNotFound";

        public const string CannotRemoveInbox = "CannotRemoveInbox";

        public const string CreateSpecialUseNotSupported = "CreateSpecialUseNotSupported";

        public const string FolderExists = "FolderExists";

        public const string FolderNotFound = "FolderNotFound";

        public const string FolderNotSelectable = "FolderNotSelectable";

        public const string FolderReadOnly = "FolderReadOnly";

        public const string InvalidFolderName = "InvalidFolderName";

        public const string InvalidHeaderName = "InvalidHeaderName";

        public const string InvalidKeyword = "InvalidKeyword";

        public const string InvalidPartSpecifier = "InvalidPartSpecifier";

        public const string InvalidQuery = "InvalidQuery";

        public const string InvalidSearchText = "InvalidSearchText";

        public const string InvalidSpecialUse = "InvalidSpecialUse";

        public const string NoRights = "NoRights";

        public const string NoSessionOnMessage = "NoSessionOnMessage";

        public const string NoTrashFolder = "NoTrashFolder";

        public const string NothingToChange = "NothingToChange";

        public const string SameFolder = "SameFolder";

        public const string SpecialUseNotFound = "SpecialUseNotFound";

        public const string UidPlusRequired = "UidPlusRequired";

        public const string UidRequired = "UidRequired";

        public const string UidValidityChanged = "UidValidityChanged";

        public const string InvalidFolderMap = "InvalidFolderMap";

        public const string SameSession = "SameSession";
    }
}
