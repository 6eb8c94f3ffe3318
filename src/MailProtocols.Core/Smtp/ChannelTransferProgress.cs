using MailKit;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Smtp
{
    /// <summary>MailKit's upload progress of one message, as the channel's progress; also tells that data went out.</summary>
    internal sealed class ChannelTransferProgress : ITransferProgress
    {
        private readonly IOperationChannel _channel;
        private readonly string _activity;
        private readonly string _status;

        public ChannelTransferProgress(IOperationChannel channel, string activity, string status)
        {
            _channel = channel;
            _activity = activity;
            _status = status;
        }

        /// <summary>True once any byte of the message itself was sent.</summary>
        public bool DataStarted { get; private set; }

        public void Report(long bytesTransferred, long totalSize)
        {
            DataStarted = true;
            _channel.Progress(new OperationProgress(_activity, _status, bytesTransferred, totalSize));
        }

        public void Report(long bytesTransferred)
        {
            DataStarted = true;
            _channel.Progress(new OperationProgress(_activity, _status, bytesTransferred));
        }
    }
}
