namespace MetaAdsSync.GraphSimulator.Limits;

/// <summary>
/// Calls in the last window, counted in 60 slices so usage decays smoothly as the window slides, as Meta's
/// scores decay, without keeping one timestamp per call. Not thread-safe: the owner locks.
/// </summary>
internal sealed class UsageWindow
{
    const int Slices = 60;
    readonly long[] _counts = new long[Slices];
    readonly long[] _sliceNumbers = new long[Slices];
    long _sliceTicks;

    public int Count(DateTimeOffset now, TimeSpan window)
    {
        Align(window);
        var current = now.UtcTicks / _sliceTicks;
        long total = 0;
        for (var i = 0; i < Slices; i++)
        {
            if (current - _sliceNumbers[i] < Slices)
            {
                total += _counts[i];
            }
        }

        return (int)Math.Min(int.MaxValue, total);
    }

    public void Add(DateTimeOffset now, TimeSpan window)
    {
        Align(window);
        var current = now.UtcTicks / _sliceTicks;
        var index = (int)(current % Slices);
        if (_sliceNumbers[index] != current)
        {
            _sliceNumbers[index] = current;
            _counts[index] = 0;
        }

        _counts[index]++;
    }

    /// <summary>Seconds until the oldest counted call leaves the window (0 when nothing is counted).</summary>
    public int SecondsToReset(DateTimeOffset now, TimeSpan window)
    {
        Align(window);
        var current = now.UtcTicks / _sliceTicks;
        var oldest = long.MaxValue;
        for (var i = 0; i < Slices; i++)
        {
            if (_counts[i] > 0 && current - _sliceNumbers[i] < Slices)
            {
                oldest = Math.Min(oldest, _sliceNumbers[i]);
            }
        }

        return oldest == long.MaxValue ? 0
            : (int)Math.Ceiling(TimeSpan.FromTicks((oldest + Slices) * _sliceTicks - now.UtcTicks).TotalSeconds);
    }

    public void Clear() => Array.Clear(_counts);

    /// <summary>A changed window length starts the count afresh rather than mixing slice sizes.</summary>
    void Align(TimeSpan window)
    {
        var ticks = Math.Max(1, window.Ticks / Slices);
        if (ticks != _sliceTicks)
        {
            _sliceTicks = ticks;
            Array.Clear(_counts);
            Array.Clear(_sliceNumbers);
        }
    }
}
