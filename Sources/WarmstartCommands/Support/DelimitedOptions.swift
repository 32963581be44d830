import ArgumentParser
import Clickstream

/// How `--format csv|tsv` files map onto events, shared by `replay` and `produce`.
struct DelimitedOptions: ParsableArguments {
    @Option(help: "CSV/TSV: the cell delimiter (one character, or tab, comma, semicolon, pipe).")
    var delimiter: String?

    @Flag(name: .customLong("no-header"), help: "CSV/TSV: the file has no header row (map columns by position).")
    var noHeader = false

    @Option(
        help: ArgumentHelp(
            "CSV/TSV: field=column pairs, columns by header name or 1-based position, e.g. "
                + "user=SessionId,item=ItemId,ts=Time or user=1,item=2,item.category=3,kind=4,ts=5.",
            valueName: "field=column,..."
        )
    )
    var columns: String?

    @Option(
        name: .customLong("ts-unit"),
        help: ArgumentHelp(
            "CSV/TSV: the timestamp column's unit: s, ms, us (a decimal fraction is allowed) or auto "
                + "(epoch milliseconds or ISO-8601)."
        )
    )
    var timestampUnit: String = "auto"

    @Option(help: ArgumentHelp("CSV/TSV: rename kinds, e.g. pv=view,fav=favorite,buy=purchase.", valueName: "a=b,..."))
    var kinds: String?

    @Option(name: .customLong("kind"), help: "CSV/TSV: the kind of every event, for files without a kind column.")
    var constantKind: String?

    /// The layout for `format`, or nil for formats that have none.
    func layout(for format: EventFileFormat) throws -> DelimitedLayout? {
        guard format == .csv || format == .tsv else {
            let given = delimiter != nil || noHeader || columns != nil || kinds != nil || constantKind != nil
            if given || timestampUnit != "auto" {
                throw ValidationError(
                    "--delimiter, --no-header, --columns, --ts-unit, --kinds and --kind apply to csv and tsv only"
                )
            }
            return nil
        }
        do {
            var layout: DelimitedLayout = format == .tsv ? .tsv : .csv
            if let delimiter { layout.delimiter = try DelimitedLayout.parseDelimiter(delimiter) }
            layout.hasHeader = !noHeader
            if let columns { layout.columns = try DelimitedLayout.parseColumns(columns) }
            guard let unit = DelimitedLayout.TimestampUnit(rawValue: timestampUnit) else {
                let units = DelimitedLayout.TimestampUnit.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--ts-unit must be one of \(units), not '\(timestampUnit)'")
            }
            layout.timestampUnit = unit
            if let kinds { layout.kinds = try DelimitedLayout.parseKinds(kinds) }
            layout.constantKind = constantKind
            return layout
        } catch let error as DelimitedLayout.SpecError {
            throw ValidationError(error.message)
        }
    }
}
