// Regenerates the golden files with an independent Arrow implementation (Apache Arrow JS 21.2.0):
//   npm install apache-arrow@21.2.0 && node make-golden.mjs
import { Table, vectorFromArray, List, Field, Int64, Utf8, Int32, tableToIPC, makeTable } from 'apache-arrow';
import { writeFileSync } from 'fs';
const cols = ['uni_seq_item_id','uni_seq_cate_id','uni_seq_brand_id','uni_seq_shop_id','uni_seq_seller_id',
 'uni_seq_title_bpe_token_ids','uni_seq_cate_bpe_token_ids','uni_seq_shop_bpe_token_ids','uni_seq_brand_bpe_token_ids','uni_seq_seller_bpe_token_ids'];
const type = new List(new Field('item', new List(new Field('item', new Int64(), true)), true));
// row r has r+1 events; feature f, event e: id = 1000*f + 10*r + e; token features carry (e % 3) + 1 tokens
const rows = 3;
const data = {};
cols.forEach((c, f) => {
  const column = [];
  for (let r = 0; r < rows; r++) {
    const events = [];
    for (let e = 0; e <= r; e++) {
      const n = f < 5 ? 1 : (e % 3) + 1;
      const ids = [];
      for (let k = 0; k < n; k++) ids.push(BigInt(1000 * f + 10 * r + e + k));
      events.push(ids);
    }
    column.push(events);
  }
  data[c] = vectorFromArray(column, type);
});
const chats = [0, 1, 2].map(r => JSON.stringify([{role: 'user', content: `问题 ${r}：用户近期最感兴趣的类目是？`}, {role: 'assistant', content: `答案 ${'ABC'[r]}`}]));
data['text'] = vectorFromArray(chats, new Utf8());
data['label'] = vectorFromArray([7, 8, 9], new Int32());
const table = new Table(data);
writeFileSync('release_align.arrow', tableToIPC(table, 'file'));
writeFileSync('release_align_stream.arrow', tableToIPC(table, 'stream'));
console.log(table.schema.fields.map(f => `${f.name}: ${f.type}`).join('\n'));
