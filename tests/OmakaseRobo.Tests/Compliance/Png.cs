using System.Buffers.Binary;
using System.IO.Compression;

namespace OmakaseRobo.Tests.Compliance;

/// <summary>Just enough PNG to read a headless browser's screenshot: 8-bit RGB or RGBA, not interlaced.</summary>
public sealed class Png(int width, int height, byte[] rgb)
{
    public int Width => width;

    public int Height => height;

    public static Png Read(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var at = 8; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, var other => throw new NotSupportedException($"PNG colour type {other}") };
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var stride = width * channels;
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                int c = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                pixels[(y * stride) + x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                });
            }
        }

        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            pixels.AsSpan(i * channels, 3).CopyTo(rgb.AsSpan(i * 3));
        }

        return new Png(width, height, rgb);
    }

    /// <summary>Pixels within <paramref name="tolerance"/> of the colour (#rrggbb) in the rows from <paramref name="fromRow"/> to <paramref name="toRow"/>.</summary>
    public int Count(string colour, int fromRow = 0, int? toRow = null, int tolerance = 12)
    {
        ArgumentNullException.ThrowIfNull(colour);
        var (r, g, b) = (Convert.ToInt32(colour[1..3], 16), Convert.ToInt32(colour[3..5], 16), Convert.ToInt32(colour[5..7], 16));
        var count = 0;
        for (var i = fromRow * width; i < (toRow ?? height) * width; i++)
        {
            if (Math.Abs(rgb[i * 3] - r) <= tolerance && Math.Abs(rgb[(i * 3) + 1] - g) <= tolerance && Math.Abs(rgb[(i * 3) + 2] - b) <= tolerance)
            {
                count++;
            }
        }

        return count;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
