namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>
/// Names and creative copy as advertisers write them: mixed languages, accents, emoji, punctuation that JSON
/// must escape. Creative texts come from a fixed pool, drawn per creative, to keep large data sets small.
/// </summary>
internal sealed class TextPool
{
    static readonly string[] Themes =
    [
        "Spring Sale", "Black Friday", "Sommer-Aktion", "Été indien", "Año Nuevo", "Ölwechsel Spezial",
        "Café & Co", "Bière artisanale", "夏のキャンペーン", "Crème brûlée Week", "Søndagstilbud", "Zürich Launch",
        "Brand Awareness", "Lead Gen", "Retargeting", "Lookalike 1%", "Catalogue Sales", "App Installs",
        "Páscoa 2026", "Ramadan Kareem", "Weihnachten", "Diwali ✨", "EOFY Clearance", "Mother's Day 💐",
    ];

    static readonly string[] Audiences =
    [
        "AU 25–54", "NZ broad", "Sydney + Melbourne", "Interessen: Outdoor", "Clientes fiéis", "Lookalike (AU, 2%)",
        "Website visitors 30d", "Engagers 365d", "Brisbane ♥", "Perth — cold", "Adelaide/Darwin", "All genders 18+",
    ];

    static readonly string[] Formats =
    [
        "Video 15s", "Carousel", "Single image", "Reels 9:16", "Stories", "Collection", "Dynamic creative", "UGC",
    ];

    static readonly string[] Sentences =
    [
        "Discover our new range, crafted locally and delivered to your door in under 48 hours.",
        "Limited stock — once it's gone, it's gone! Tap \"Shop now\" before Sunday.",
        "Des produits frais, livrés chez vous avec le sourire. Économisez 20 % sur votre première commande.",
        "Jetzt zugreifen: Über 500 Kund:innen haben uns bereits mit 5 Sternen bewertet. ⭐⭐⭐⭐⭐",
        "¿Buscas algo diferente? Nuestra colección de otoño llega con envío gratis a toda España.",
        "Free shipping on orders over $50. No code needed — the discount applies at checkout.",
        "Our team has helped 12,000+ Australians save on their bills since 2019.",
        "Book a free 15-minute consultation and get a personalised quote the same day.",
        "夏季限定の特別セール開催中！今すぐチェックしてください。",
        "Made with 100% recycled materials, because the planet deserves better. 🌏",
        "Join the waitlist today and be the first to know when we launch in your city.",
        "Rated #1 by customers in Queensland for three years running.",
        "Nova coleção disponível: peças únicas com até 40% de desconto nesta semana.",
        "Tired of overpaying? Compare plans in 2 minutes & switch with one tap.",
        "Handmade in small batches <every single week> by our bakers in Fitzroy.",
        "Limited seats left for our weekend tour — kids under 5 ride free! 🚌",
    ];

    static readonly string[] Titles =
    [
        "Shop the sale now", "Économisez 20 %", "Jetzt entdecken", "Free delivery this week", "Book your spot 🎟️",
        "Get a quote today", "Nuevo: colección otoño", "Last chance!", "限定セール", "Switch & save",
        "Try it free for 30 days", "Handmade with ♥",
    ];

    static readonly string[] CallsToAction = ["SHOP_NOW", "LEARN_MORE", "SIGN_UP", "BOOK_TRAVEL", "GET_QUOTE", "CONTACT_US"];

    static readonly string[] Objectives =
        ["OUTCOME_SALES", "OUTCOME_LEADS", "OUTCOME_TRAFFIC", "OUTCOME_AWARENESS", "OUTCOME_ENGAGEMENT", "OUTCOME_APP_PROMOTION"];

    static readonly string[] OptimizationGoals =
        ["OFFSITE_CONVERSIONS", "LINK_CLICKS", "REACH", "IMPRESSIONS", "LEAD_GENERATION", "LANDING_PAGE_VIEWS"];

    static readonly string[] AccountWords =
        ["Nordlicht", "Café Olé", "Brisbane Bikes", "Søren & Söhne", "Pâtisserie Lumière", "Outback Tours", "Kōwhai Studio", "Zürich Optik"];

    readonly string[] _bodies;

    public TextPool(int seed)
    {
        var rng = new Rng(seed, "creative-bodies");
        _bodies = new string[256];
        for (var i = 0; i < _bodies.Length; i++)
        {
            var count = rng.Next(3, 7);
            _bodies[i] = string.Join(" ", Enumerable.Range(0, count).Select(_ => rng.Pick(Sentences)));
        }
    }

    public static string CampaignName(Rng rng) => $"{rng.Pick(Themes)} – {rng.Pick(Audiences)} {2024 + rng.Next(3)}";

    public static string AdSetName(Rng rng) => $"{rng.Pick(Audiences)} · {rng.Pick(Formats)}";

    public static string AdName(Rng rng, int number) => $"{rng.Pick(Formats)} #{number} – {rng.Pick(Themes)}";

    public static string AccountName(Rng rng, int number) => $"{rng.Pick(AccountWords)} {number}";

    public static string Objective(Rng rng) => rng.Pick(Objectives);

    public static string OptimizationGoal(Rng rng) => rng.Pick(OptimizationGoals);

    public Creative Creative(Rng rng, string id, string adName) => new(
        id,
        $"{adName} creative",
        rng.Pick(Titles),
        rng.Pick(_bodies),
        Convert.ToHexStringLower(BitConverter.GetBytes(rng.NextULong())) + Convert.ToHexStringLower(BitConverter.GetBytes(rng.NextULong())),
        rng.Pick(CallsToAction));
}
