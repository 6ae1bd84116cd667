//! Parquet files for DuckDB, pandas, Spark and BI tools, written with the
//! `parquet` crate's column writers: one optional column per export column,
//! typed by its cell (double, int64, boolean, UTF-8 string, timestamp in
//! milliseconds of the call's local wall clock, date), unknown values as
//! nulls, Snappy-compressed. Rows are buffered one row group at a time, so
//! memory stays bounded whatever the number of calls.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, Int32Type, Int64Type,
};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::types::Type;

use super::columns::Cell;
use crate::model::CallTime;

/// Rows per row group (and rows held in memory at once).
const ROW_GROUP: usize = 16_384;

/// A Parquet file being written, one row at a time.
pub struct ParquetTable {
    writer: SerializedFileWriter<File>,
    columns: Vec<Column>,
    rows: usize,
}

/// One column's buffered values and definition levels (1 = present, 0 = null).
enum Column {
    Double(Vec<f64>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Bool(Vec<bool>, Vec<i16>),
    Text(Vec<ByteArray>, Vec<i16>),
    Time(Vec<i64>, Vec<i16>),
    Date(Vec<i32>, Vec<i16>),
}

impl ParquetTable {
    /// Creates `path` with one column per `(name, cell)`; the cell's variant is its type.
    pub fn create(path: &Path, schema: &[(String, Cell)]) -> Result<Self, ParquetError> {
        let fields = schema
            .iter()
            .map(|(name, cell)| field(name, cell).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let root = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let file = File::create(path)?;
        let writer = SerializedFileWriter::new(file, Arc::new(root), Arc::new(props))?;
        let columns = schema.iter().map(|(_, cell)| Column::empty(cell)).collect();
        Ok(ParquetTable {
            writer,
            columns,
            rows: 0,
        })
    }

    /// Adds one row; its cells must follow the schema's order and types.
    pub fn push(&mut self, cells: Vec<Cell>) -> Result<(), ParquetError> {
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            column.push(cell)?;
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes what is buffered and the file footer.
    pub fn finish(mut self) -> Result<(), ParquetError> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        for column in &mut self.columns {
            let Some(mut writer) = group.next_column()? else {
                break;
            };
            column.write(&mut writer)?;
            writer.close()?;
        }
        group.close()?;
        self.rows = 0;
        Ok(())
    }
}

fn field(name: &str, cell: &Cell) -> Result<Type, ParquetError> {
    let (physical, logical) = match cell {
        Cell::Num(_) => (Physical::DOUBLE, None),
        Cell::Int(_) => (Physical::INT64, None),
        Cell::Bool(_) => (Physical::BOOLEAN, None),
        Cell::Text(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        Cell::Time(_) => (
            Physical::INT64,
            Some(LogicalType::timestamp(false, TimeUnit::MILLIS)),
        ),
        Cell::Date(_) => (Physical::INT32, Some(LogicalType::Date)),
    };
    Type::primitive_type_builder(name, physical)
        .with_repetition(Repetition::OPTIONAL)
        .with_logical_type(logical)
        .build()
}

/// Milliseconds since the epoch of the call's local wall-clock time.
fn local_millis(t: CallTime) -> i64 {
    match t {
        CallTime::Zoned(t) => t.naive_local().and_utc().timestamp_millis(),
        CallTime::Local(t) => t.and_utc().timestamp_millis(),
    }
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

impl Column {
    fn empty(cell: &Cell) -> Column {
        match cell {
            Cell::Num(_) => Column::Double(Vec::new(), Vec::new()),
            Cell::Int(_) => Column::Int(Vec::new(), Vec::new()),
            Cell::Bool(_) => Column::Bool(Vec::new(), Vec::new()),
            Cell::Text(_) => Column::Text(Vec::new(), Vec::new()),
            Cell::Time(_) => Column::Time(Vec::new(), Vec::new()),
            Cell::Date(_) => Column::Date(Vec::new(), Vec::new()),
        }
    }

    fn push(&mut self, cell: Cell) -> Result<(), ParquetError> {
        fn add<T>(values: &mut Vec<T>, defs: &mut Vec<i16>, v: Option<T>) {
            defs.push(i16::from(v.is_some()));
            values.extend(v);
        }
        match (self, cell) {
            (Column::Double(v, d), Cell::Num(x)) => add(v, d, x),
            (Column::Int(v, d), Cell::Int(x)) => add(v, d, x),
            (Column::Bool(v, d), Cell::Bool(x)) => add(v, d, x),
            (Column::Text(v, d), Cell::Text(x)) => {
                add(v, d, x.map(|s| ByteArray::from(s.into_bytes())))
            }
            (Column::Time(v, d), Cell::Time(x)) => add(v, d, x.map(local_millis)),
            (Column::Date(v, d), Cell::Date(x)) => add(v, d, x.map(days)),
            _ => {
                return Err(ParquetError::General(
                    "a cell does not match its column's type".to_string(),
                ));
            }
        }
        Ok(())
    }

    fn write(&mut self, writer: &mut SerializedColumnWriter<'_>) -> Result<(), ParquetError> {
        fn put<T: DataType>(
            w: &mut SerializedColumnWriter<'_>,
            values: &mut Vec<T::T>,
            defs: &mut Vec<i16>,
        ) -> Result<(), ParquetError> {
            w.typed::<T>().write_batch(values, Some(defs), None)?;
            values.clear();
            defs.clear();
            Ok(())
        }
        match self {
            Column::Double(v, d) => put::<DoubleType>(writer, v, d),
            Column::Int(v, d) | Column::Time(v, d) => put::<Int64Type>(writer, v, d),
            Column::Bool(v, d) => put::<BoolType>(writer, v, d),
            Column::Text(v, d) => put::<ByteArrayType>(writer, v, d),
            Column::Date(v, d) => put::<Int32Type>(writer, v, d),
        }
    }
}
