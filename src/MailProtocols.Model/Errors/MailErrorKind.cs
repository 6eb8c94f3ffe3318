namespace MailProtocols
{
    /// <summary>
    /// What kind of failure happened, independent of PowerShell.
    /// The cmdlet layer maps each kind to one ErrorCategory.
    /// </summary>
    public enum MailErrorKind
    {
        Authentication,
        Security,
        Connection,
        Timeout,
        NotFound,
        InvalidArgument,
        Protocol,
        InvalidOperation,
        WriteError,
        ReadError,
        InvalidData,

        /// <summary>Something else is using the resource (e.g. another sync holds the destination's lock).</summary>
        Busy,

        /// <summary>The server refused because the user lacks the rights (IMAP NOPERM, RFC 4314 ACL).</summary>
        PermissionDenied,
    }
}
