using System.Net;
using System.Net.Sockets;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>
/// Whether an address is globally routable unicast: an allow-list, not a deny-list. IPv4 is allowed below 224.0.0.0
/// outside every block the IANA IPv4 Special-Purpose Address Registry marks not globally reachable; IPv6 is allowed
/// only inside 2000::/3 (the global unicast space of the IANA IPv6 Address Space registry) outside every such block of
/// the IANA IPv6 Special-Purpose Address Registry. Embedded IPv4 (mapped, compatible, NAT64 well-known prefix, 6to4)
/// is unwrapped and judged as IPv4; Teredo and local-use NAT64 are refused outright (see docs/security-hardening.md).
/// </summary>
internal static class GlobalUnicast
{
    // https://www.iana.org/assignments/iana-ipv4-special-registry (checked 2026-12): blocks not globally reachable.
    private static readonly IPNetwork[] NotGlobalV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network" (RFC 791)
        IPNetwork.Parse("10.0.0.0/8"),         // private-use (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"),      // shared address space, carrier-grade NAT (RFC 6598)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback (RFC 1122)
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, the cloud metadata services (RFC 3927)
        IPNetwork.Parse("172.16.0.0/12"),      // private-use (RFC 1918)
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments, whole block (RFC 6890; the two anycast /32s are no webhook)
        IPNetwork.Parse("192.0.2.0/24"),       // documentation TEST-NET-1 (RFC 5737)
        IPNetwork.Parse("192.88.99.0/24"),     // deprecated 6to4 relay anycast (RFC 7526)
        IPNetwork.Parse("192.168.0.0/16"),     // private-use (RFC 1918)
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking (RFC 2544)
        IPNetwork.Parse("198.51.100.0/24"),    // documentation TEST-NET-2 (RFC 5737)
        IPNetwork.Parse("203.0.113.0/24"),     // documentation TEST-NET-3 (RFC 5737)
        IPNetwork.Parse("224.0.0.0/4"),        // multicast (not unicast; IANA IPv4 multicast registry)
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, and 255.255.255.255 limited broadcast (RFC 1112, RFC 919)
    ];

    // https://www.iana.org/assignments/iana-ipv6-special-registry (checked 2026-12): blocks inside 2000::/3 not globally reachable.
    private static readonly IPNetwork[] NotGlobalV6 =
    [
        IPNetwork.Parse("2001::/23"),          // IETF protocol assignments, Teredo 2001::/32 included (RFC 2928, RFC 4380)
        IPNetwork.Parse("2001:db8::/32"),      // documentation (RFC 3849)
        IPNetwork.Parse("3fff::/20"),          // documentation (RFC 9637)
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3"); // https://www.iana.org/assignments/ipv6-address-space
    private static readonly IPNetwork Nat64WellKnown = IPNetwork.Parse("64:ff9b::/96"); // RFC 6052: the IPv4 is the last 32 bits
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");        // RFC 3056: the IPv4 is bits 16-47
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");         // RFC 4291, deprecated: the last 32 bits

    /// <summary>True only for an address a public receiver can have; loopback is not (the policy decides about it).</summary>
    public static bool IsGlobal(IPAddress address)
    {
        var v4 = EmbeddedIPv4(address);
        if (v4 is not null)
        {
            return !NotGlobalV4.Any(block => block.Contains(v4));
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            && GlobalUnicastV6.Contains(address)
            && !NotGlobalV6.Any(block => block.Contains(address));
    }

    /// <summary>The IPv4 address a packet to this address really reaches, if any; the IPv4 itself for an IPv4 address.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6 || Nat64WellKnown.Contains(address) || V4Compatible.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
