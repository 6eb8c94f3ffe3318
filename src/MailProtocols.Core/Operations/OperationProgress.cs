namespace MailProtocols.Core.Operations
{
    /// <summary>
    /// One progress report. <see cref="Activity"/> names the bar: reports with the same activity update
    /// the same bar, and <see cref="Completed"/> removes it. Counts below zero are unknown.
    /// </summary>
    internal sealed class OperationProgress
    {
        public OperationProgress(string activity, string status, long done = -1, long total = -1)
        {
            Activity = activity;
            Status = status;
            Done = done;
            Total = total;
        }

        public string Activity { get; }

        public string Status { get; }

        public long Done { get; }

        public long Total { get; }

        public bool Completed { get; private set; }

        /// <summary>The end of <paramref name="activity"/>: its bar goes away.</summary>
        public static OperationProgress Finished(string activity) => new OperationProgress(activity, "Done") { Completed = true };

        /// <summary>Percent of <see cref="Total"/>, or -1 when the total is unknown.</summary>
        public int Percent => Total > 0 && Done >= 0 ? (int)System.Math.Min(100, Done * 100 / Total) : -1;
    }
}
