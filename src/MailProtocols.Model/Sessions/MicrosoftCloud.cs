namespace MailProtocols
{
    /// <summary>The Microsoft 365 cloud to sign in to (-Environment): each has its own sign-in authority and mail resource.</summary>
    public enum MicrosoftCloud
    {
        /// <summary>Microsoft 365 worldwide (login.microsoftonline.com, outlook.office.com).</summary>
        Global,

        /// <summary>GCC High (login.microsoftonline.us, outlook.office365.us).</summary>
        USGovernment,

        /// <summary>DoD (login.microsoftonline.us, outlook-dod.office365.us).</summary>
        USGovernmentDoD,

        /// <summary>Operated by 21Vianet (login.chinacloudapi.cn, partner.outlook.cn).</summary>
        China,
    }
}
