using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace EventDriven.Producers.Http;

/// <summary>
/// Who a request counts against, for every per-client budget (the public rate limit, failed admin keys, lookups in
/// flight): the client's address as the trusted proxies saw it (<see cref="TrustedProxies"/> has put it in
/// <c>RemoteIpAddress</c> by then). An IPv6 client counts by its /64: one subscriber gets a whole /64, so counting single
/// addresses would give one client 2^64 budgets.
/// </summary>
public static class ClientPartition
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    /// <summary>
    /// The client as the lookup pipeline knows it (<c>RequestedBy</c> on its messages and saga): an opaque tag, a hash of
    /// <see cref="Of(HttpContext)"/>, so no address travels through the bus or is stored with a lookup.
    /// </summary>
    public static string TagOf(HttpContext http) => Tag(Of(http));

    public static string Tag(string partition) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)).AsSpan(0, 12));

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
