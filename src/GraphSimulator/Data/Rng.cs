using System.Text;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>
/// SplitMix64: a generator whose sequence is fixed by its seed on every runtime and platform, which
/// <see cref="Random"/> and <see cref="string.GetHashCode()"/> do not promise.
/// </summary>
internal sealed class Rng(ulong state)
{
    ulong _state = state;

    public Rng(int seed, string salt) : this(Hash(seed, salt))
    {
    }

    public ulong NextULong() => Mix(_state += 0x9E3779B97F4A7C15UL);

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>0 ≤ result &lt; max.</summary>
    public int Next(int max) => max <= 0 ? 0 : (int)(NextULong() % (ulong)max);

    public int Next(int min, int max) => min + Next(max - min);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A stable 64-bit hash of a seed and some text (FNV-1a, then mixed).</summary>
    public static ulong Hash(int seed, string text)
    {
        var hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>A number in [0, 1) fixed by the seed and the text.</summary>
    public static double Unit(int seed, string text) => (Hash(seed, text) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [0, 1) fixed by a key and a counter: cheap enough to draw per object and day.</summary>
    public static double Unit(ulong key, long n) => (Mix(key ^ ((ulong)n * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / (1UL << 53));

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
