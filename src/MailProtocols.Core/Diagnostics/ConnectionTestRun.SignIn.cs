using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Sessions;
using MailProtocols.Core.SignIn;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>Test-MailConnection with -ClientId: the authority and token steps, before the network steps.</summary>
    internal sealed partial class ConnectionTestRun
    {
        /// <summary>
        /// Signs in and reports the Authority and Token steps. Returns false when there is no token to log in with
        /// (the Login step then says why); the mail server is still tested up to the log-in.
        /// </summary>
        private bool SignInSteps()
        {
            MicrosoftSignIn signIn = MicrosoftSignIn.Attach(_settings, _dialect.Protocol == MailProtocol.Pop3 ? "POP" : "IMAP");
            TimeSpan start = _clock.Elapsed;
            SignInOutcome outcome;
            try
            {
                outcome = signIn.SignIn(_show, _warn, _cancellation);
            }
            catch (MailProtocolException ex)
            {
                TimeSpan failedAfter = _clock.Elapsed - start;
                _settings.TokenSource = null;
                if (ex.Reason == MailErrorReason.AuthorityUnreachable)
                {
                    Add(ConnectionStepName.Authority, ConnectionStepStatus.Failure, failedAfter, ex.Message);
                    Add(ConnectionStepName.Token, ConnectionStepStatus.Skipped, TimeSpan.Zero, "Not attempted: the authority was not reached.");
                }
                else
                {
                    Add(ConnectionStepName.Authority, ConnectionStepStatus.Success, failedAfter, $"{signIn.Authority} answered.");
                    Add(ConnectionStepName.Token, ConnectionStepStatus.Failure, failedAfter, ex.Message);
                }

                _tokenProblem = "no token was acquired (see the Token step)";
                return false;
            }

            TimeSpan duration = _clock.Elapsed - start;
            Add(ConnectionStepName.Authority, ConnectionStepStatus.Success, duration, $"{signIn.Authority} answered.");
            _settings.UserName = _settings.UserName ?? outcome.Account;
            _report.UserName = _settings.UserName;
            if (outcome.Facts != null && outcome.Facts.IsGraph)
            {
                Add(ConnectionStepName.Token, ConnectionStepStatus.Failure, duration,
                    outcome.Describe() + " " + AccessTokenFacts.GraphAudience(outcome.Facts, OAuthLogin.ProtocolName(_dialect.Protocol)).Message);
                _settings.TokenSource = null;
                _tokenProblem = "the token is for Microsoft Graph, not for the mail server (see the Token step)";
                return false;
            }

            Add(ConnectionStepName.Token, ConnectionStepStatus.Success, duration, outcome.Describe());
            return true;
        }
    }
}
