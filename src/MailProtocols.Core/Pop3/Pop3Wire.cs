using System;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;
using MailKit.Net.Pop3;

namespace MailProtocols.Core.Pop3
{
    /// <summary>
    /// Reads RETR responses straight off the connection MailKit already owns, so a message streams to
    /// disk instead of into memory. MailKit's public POP3 download API (GetStream/GetStreams) copies every
    /// message whole into a MemoryBlockStream first; for a 20 MB message that is 20 MB of heap per message.
    /// <para>
    /// This reaches the same objects MailKit's own download code uses (the client's Pop3Engine and its
    /// Pop3Stream) and reads them the same way: the status line through the engine, the dot-unstuffed body
    /// with the stream in data mode. It is used only between MailKit commands and under the session lock,
    /// so MailKit never has a command in flight. The members are looked up once; if a MailKit update
    /// changes them, <see cref="IsAvailable"/> is false and callers use GetStreams instead.
    /// Any failure mid-response leaves the protocol out of step, so the caller must <see cref="Abort"/>.
    /// </para>
    /// </summary>
    internal sealed class Pop3Wire
    {
        private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

        private static readonly FieldInfo EngineField;
        private static readonly PropertyInfo StreamProperty;
        private static readonly MethodInfo ReadLineMethod;
        private static readonly MethodInfo DisconnectMethod;
        private static readonly PropertyInfo ModeProperty;
        private static readonly MethodInfo ReadMethod;
        private static readonly object LineMode;
        private static readonly object DataMode;

        private readonly object _engine;
        private readonly Stream _stream;
        private readonly Func<CancellationToken, string> _readLine;
        private readonly Func<byte[], int, int, CancellationToken, int> _read;
        private readonly Action<Exception> _disconnect;

        static Pop3Wire()
        {
            try
            {
                EngineField = typeof(Pop3Client).GetField("engine", Members);
                Type engine = EngineField?.FieldType;
                StreamProperty = engine?.GetProperty("Stream", Members);
                ReadLineMethod = engine?.GetMethod("ReadLine", Members, null, new[] { typeof(CancellationToken) }, null);
                DisconnectMethod = engine?.GetMethod("Disconnect", Members, null, new[] { typeof(Exception) }, null);
                Type stream = StreamProperty?.PropertyType;
                ModeProperty = stream?.GetProperty("Mode", Members);
                ReadMethod = stream?.GetMethod("Read", Members, null, new[] { typeof(byte[]), typeof(int), typeof(int), typeof(CancellationToken) }, null);
                Type mode = ModeProperty?.PropertyType;
                if (mode != null && mode.IsEnum && Enum.IsDefined(mode, "Line") && Enum.IsDefined(mode, "Data"))
                {
                    LineMode = Enum.Parse(mode, "Line");
                    DataMode = Enum.Parse(mode, "Data");
                }
            }
            catch (Exception)
            {
                // Leaves IsAvailable false; downloads then go through MailKit's buffered API.
            }
        }

        private Pop3Wire(object engine, Stream stream)
        {
            _engine = engine;
            _stream = stream;
            _readLine = (Func<CancellationToken, string>)Delegate.CreateDelegate(typeof(Func<CancellationToken, string>), engine, ReadLineMethod);
            _disconnect = (Action<Exception>)Delegate.CreateDelegate(typeof(Action<Exception>), engine, DisconnectMethod);
            _read = (Func<byte[], int, int, CancellationToken, int>)Delegate.CreateDelegate(typeof(Func<byte[], int, int, CancellationToken, int>), stream, ReadMethod);
        }

        /// <summary>True when this MailKit build has the members the streaming path needs.</summary>
        public static bool IsAvailable =>
            EngineField != null && StreamProperty != null && typeof(Stream).IsAssignableFrom(StreamProperty.PropertyType) &&
            ReadLineMethod != null && ReadLineMethod.ReturnType == typeof(string) &&
            DisconnectMethod != null && ModeProperty != null && ModeProperty.CanWrite && LineMode != null &&
            ReadMethod != null && ReadMethod.ReturnType == typeof(int);

        /// <summary>Makes <see cref="Attach"/> return null, so tests can exercise the GetStreams fallback.</summary>
        internal static bool UseFallback { get; set; }

        /// <summary>The wire of a connected client, or null when the streaming path is not available.</summary>
        public static Pop3Wire Attach(Pop3Client client)
        {
            if (!IsAvailable || UseFallback)
            {
                return null;
            }

            object engine = EngineField.GetValue(client);
            var stream = engine == null ? null : StreamProperty.GetValue(engine) as Stream;
            return stream == null ? null : new Pop3Wire(engine, stream);
        }

        /// <summary>Sends one or more command lines in one write (pipelining, RFC 2449).</summary>
        public void Send(string commands)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(commands);
            _stream.Write(bytes, 0, bytes.Length);
            _stream.Flush();
        }

        /// <summary>The next status line ("+OK ..." or "-ERR ..."), without CRLF.</summary>
        public string ReadStatusLine(CancellationToken cancellationToken) => _readLine(cancellationToken);

        /// <summary>Switches to reading a multi-line body: dot-unstuffed, ending before the "." line.</summary>
        public void BeginData() => ModeProperty.SetValue(_stream, DataMode);

        public void EndData() => ModeProperty.SetValue(_stream, LineMode);

        /// <summary>Reads body bytes; 0 once the terminating "." line was consumed.</summary>
        public int Read(byte[] buffer, CancellationToken cancellationToken) => _read(buffer, 0, buffer.Length, cancellationToken);

        /// <summary>Closes the connection the way MailKit does when a response breaks off.</summary>
        public void Abort(Exception reason)
        {
            try
            {
                _disconnect(reason);
            }
            catch (Exception)
            {
                // Already closed; the caller reports the original failure.
            }
        }
    }
}
