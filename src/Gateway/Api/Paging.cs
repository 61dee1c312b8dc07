namespace MetaAdsSync.Gateway.Api;

static class Paging
{
    /// <summary>Parses a <c>limit</c> query value: absent → the default; otherwise a whole number within bounds.</summary>
    public static bool TryLimit(string? value, int fallback, int max, out int limit, out IResult? problem)
    {
        problem = null;
        limit = fallback;
        if (value is null)
        {
            return true;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max)
        {
            return true;
        }

        problem = Problems.BadRequest("limit", $"limit must be a whole number from 1 to {max}.");
        return false;
    }
}
