using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Errors;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "MailSession")]
    [OutputType(typeof(ImapSession), typeof(Pop3Session), typeof(SmtpSession))]
    public sealed class GetMailSessionCommand : MailCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public int[] Id { get; set; }

        [Parameter]
        public MailProtocol[] Protocol { get; set; }

        protected override void ProcessRecord()
        {
            var sessions = SessionRegistry.Current.Sessions
                .Where(s => Protocol == null || Protocol.Contains(s.Protocol));

            if (Id == null)
            {
                WriteObject(sessions, enumerateCollection: true);
                return;
            }

            foreach (int id in Id)
            {
                MailSession match = sessions.FirstOrDefault(s => s.Id == id);
                if (match == null)
                {
                    WriteMailError(MailErrorKind.NotFound, MailErrorReason.SessionNotFound,
                        $"There is no open session with Id {id}. Run Get-MailSession to list the open ones.", id);
                    continue;
                }

                WriteObject(match);
            }
        }
    }
}
