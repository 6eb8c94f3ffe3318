using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Remove-Module MailProtocols (and Import-Module -Force, which removes first) ends every session of the
    /// runspace: IMAP sessions log out, POP3 sessions send RSET and QUIT, so no connection outlives the
    /// module and no deletion is applied that Disconnect-Pop3 did not confirm.
    /// </summary>
    public sealed class ModuleCleanup : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo) => SessionRegistry.Current.EndAll();
    }
}
