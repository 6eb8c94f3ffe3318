namespace MailProtocols
{
    /// <summary>The priority New-MailMessage writes (X-Priority and Importance headers).</summary>
    public enum MailMessagePriority
    {
        Normal,
        High,
        Low,
    }
}
