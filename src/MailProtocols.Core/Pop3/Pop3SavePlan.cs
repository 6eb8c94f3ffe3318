using System.Collections.Generic;

namespace MailProtocols.Core.Pop3
{
    /// <summary>What Save-Pop3Message will do with the messages of one session before it downloads anything.</summary>
    internal sealed class Pop3SavePlan
    {
        /// <summary>Messages to download, each approved by ShouldChange.</summary>
        public List<Pop3SaveRequest> ToSave { get; } = new List<Pop3SaveRequest>();

        /// <summary>With -SkipExisting -Delete: messages an earlier run saved completely, to be marked for deletion now.</summary>
        public List<Pop3Target> AlreadyOnDisk { get; } = new List<Pop3Target>();
    }
}
