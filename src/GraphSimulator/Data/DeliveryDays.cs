namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>
/// The days an object delivered, as day numbers (<see cref="DateOnly.DayNumber"/>) of its account's calendar: spans
/// in order, the last one open while the object delivers. An object that stops delivering today delivered today
/// (until it stopped), so a span closes on the day it stops. Past spans never change.
/// </summary>
internal sealed class DeliveryDays
{
    const int Open = int.MaxValue;
    readonly List<(int From, int To)> _spans = [];

    public bool IsEmpty => _spans.Count == 0;

    bool IsOpen => _spans.Count > 0 && _spans[^1].To == Open;

    /// <summary>Delivering from <paramref name="day"/> on; a span that ended yesterday or later goes on.</summary>
    public void Start(int day)
    {
        if (IsOpen)
        {
            return;
        }

        if (_spans.Count > 0 && _spans[^1].To >= day - 1)
        {
            _spans[^1] = (_spans[^1].From, Open);
            return;
        }

        _spans.Add((day, Open));
    }

    /// <summary>Not delivering after <paramref name="day"/>.</summary>
    public void Stop(int day)
    {
        if (!IsOpen)
        {
            return;
        }

        var from = _spans[^1].From;
        if (day < from)
        {
            _spans.RemoveAt(_spans.Count - 1);
        }
        else
        {
            _spans[^1] = (from, day);
        }
    }

    /// <summary>A closed span of the generated history; ignored when empty.</summary>
    public void Add(int from, int to)
    {
        if (from <= to)
        {
            _spans.Add((from, to));
        }
    }

    /// <summary>Whether any day from <paramref name="start"/> to <paramref name="stop"/> (inclusive) is a delivery day.</summary>
    public bool Any(int start, int stop)
    {
        foreach (var (from, to) in _spans)
        {
            if (from <= stop && to >= start)
            {
                return true;
            }
        }

        return false;
    }

    public bool On(int day) => Any(day, day);
}
