using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Security;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>Test-MailConnection's first steps: DNS, then TCP (directly or through the proxy).</summary>
    internal sealed partial class ConnectionTestRun
    {
        private IPAddress[] Resolve()
        {
            string host = _settings.Server;
            if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress literal))
            {
                _report.Addresses = new[] { literal.ToString() };
                Add(ConnectionStepName.Dns, ConnectionStepStatus.Success, TimeSpan.Zero, $"'{host}' is an IP address: nothing to resolve.");
                return new[] { literal };
            }

            TimeSpan start = _clock.Elapsed;
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
            IPAddress[] addresses = null;
            string problem = null;
            try
            {
                if (lookup.Wait((int)_settings.Timeout.TotalMilliseconds, _cancellation))
                {
                    addresses = lookup.GetAwaiter().GetResult();
                }
                else
                {
                    problem = $"no answer from DNS within {TimeoutSeconds} s. Check the DNS servers this machine uses.";
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Exception cause = ex is AggregateException aggregate ? aggregate.GetBaseException() : ex;
                string code = cause is SocketException se ? $" ({se.SocketErrorCode})" : string.Empty;
                problem = $"{cause.Message.TrimEnd('.')}{code}. Check the spelling of the name and this machine's DNS.";
            }

            TimeSpan duration = _clock.Elapsed - start;
            if (problem == null && (addresses == null || addresses.Length == 0))
            {
                problem = "the name exists but has no addresses.";
            }

            if (problem != null)
            {
                Add(ConnectionStepName.Dns, ConnectionStepStatus.Failure, duration, $"'{host}' could not be resolved: {problem}");
                return null;
            }

            _report.Addresses = addresses.Select(a => a.ToString()).ToArray();
            Add(ConnectionStepName.Dns, ConnectionStepStatus.Success, duration, $"'{host}' resolved to {string.Join(", ", _report.Addresses)}.");
            return addresses;
        }

        /// <summary>-Proxy: the proxy resolves the name and opens the connection; reported as the DNS and TCP steps.</summary>
        private Stream ConnectThroughProxy()
        {
            string proxy = MailProxy.Describe(_settings.Proxy);
            Add(ConnectionStepName.Dns, ConnectionStepStatus.Skipped, TimeSpan.Zero, $"'{_settings.Server}' is resolved by the proxy {proxy}.");
            TimeSpan start = _clock.Elapsed;
            try
            {
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation))
                {
                    deadline.CancelAfter(_settings.Timeout);
                    Stream stream = MailProxy.Create(_settings).Connect(_settings.Server, _port, deadline.Token);
                    Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Success, _clock.Elapsed - start, $"Connected to {Endpoint} through the proxy {proxy}.");
                    return stream;
                }
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (!(ex is MailProtocolException))
            {
                MailProtocolException known = MailProxy.Translate(ex, _settings, Endpoint);
                string message = known?.Message ?? (ex is OperationCanceledException
                    ? $"The proxy {proxy} did not open a connection to {Endpoint} within {TimeoutSeconds} s. Check the -Proxy address and that the proxy is running."
                    : $"Could not connect to {Endpoint} through the proxy {proxy}: {ex.Message}");
                Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Failure, _clock.Elapsed - start, message);
                return null;
            }
        }

        /// <summary>Tries the addresses in order, as mail clients do, within one timeout for the whole step.</summary>
        private Socket ConnectTcp(IPAddress[] addresses)
        {
            TimeSpan start = _clock.Elapsed;
            TimeSpan deadline = start + _settings.Timeout;
            var failures = new List<string>();
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    int remaining = (int)(deadline - _clock.Elapsed).TotalMilliseconds;
                    if (remaining <= 0)
                    {
                        failures.Add($"{address}: not tried, the {TimeoutSeconds} s were used up");
                        socket.Dispose();
                        continue;
                    }

                    Task connect = socket.ConnectAsync(address, _port);
                    if (connect.Wait(remaining, _cancellation))
                    {
                        connect.GetAwaiter().GetResult();
                        _report.RemoteAddress = address.ToString();
                        string after = failures.Count == 0 ? string.Empty : $" (after {string.Join("; ", failures)})";
                        Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Success, _clock.Elapsed - start,
                            $"Connected to {address}:{_port} from {socket.LocalEndPoint}{after}.");
                        return socket;
                    }

                    failures.Add($"{address}: no answer within {TimeoutSeconds} s");
                    socket.Dispose();
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    Exception cause = ex is AggregateException aggregate ? aggregate.GetBaseException() : ex;
                    failures.Add($"{address}: {DescribeSocketError(cause)}");
                    socket.Dispose();
                }
                catch (OperationCanceledException)
                {
                    socket.Dispose();
                    throw;
                }
            }

            Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Failure, _clock.Elapsed - start,
                $"Could not connect to port {_port}: {string.Join("; ", failures)}. Check the port, that the {_dialect.Name} service is running, and firewalls on the way.");
            return null;
        }

        private static string DescribeSocketError(Exception ex)
        {
            if (!(ex is SocketException se))
            {
                return ex.Message;
            }

            switch (se.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return "connection refused (nothing listens on that port, or a firewall rejects it)";
                case SocketError.TimedOut:
                    return "no answer (a firewall may drop the packets)";
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                    return "unreachable from this machine (check routing)";
                default:
                    return $"{se.Message} ({se.SocketErrorCode})";
            }
        }
    }
}
