-- handmade SQL dump of a find/replace table
DROP TABLE IF EXISTS `replace_words`;
CREATE TABLE IF NOT EXISTS `replace_words` (
  `id` int(11) NOT NULL auto_increment,
  `find` varchar(255) NOT NULL,
  `replace` varchar(255) NOT NULL,
  PRIMARY KEY  (`id`)
) ENGINE=MyISAM DEFAULT CHARSET=utf8;

INSERT INTO `replace_words` (`id`, `find`, `replace`) VALUES
(1, '发展', '繁荣'),
(2, '利用', '哄骗'),
(3, '生产', '临盆'),
(4, 'rock''n''roll', '摇滚(乐)'),
(5, '孤单'),
(6, '配置', '设置装备摆设');
INSERT INTO `replace_words` VALUES (7,'不能','不克不及'),(8,'研究','查究');
